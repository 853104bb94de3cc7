using Orleans.Dashboard;
using Agents.Hosting;

// Roles, hosted models and the cluster's Redis come from configuration (Agents:Cluster, Agents:Models, Orleans:Metadata);
// Agents:Telemetry:OtlpEndpoint exports traces and metrics; Agents:Dashboard:Port=N serves the Orleans Dashboard on 127.0.0.1:N.
var dashboard = AgentsDashboardOptions.From(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build());
if (!dashboard.Enabled)
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.AddAgentsTelemetry("agents-silo").UseOrleans(silo => silo.UseAgentsClustering().AddAgents());
    await builder.Build().RunAsync();
    return;
}

var web = WebApplication.CreateBuilder(args);
web.AddAgentsTelemetry("agents-silo").UseOrleans(silo => silo.UseAgentsClustering().AddAgents().AddDashboard());
web.WebHost.UseUrls(dashboard.CheckedUrl());
var app = web.Build();
app.MapOrleansDashboard(routePrefix: "/dashboard");
await app.RunAsync();
