using Orleans.Dashboard;
using Agents.Hosting;
using Agents.Silo;

// Roles, hosted models and the cluster's Redis come from configuration (Agents:Cluster, Agents:Models, Orleans:Metadata);
// Agents:Telemetry:OtlpEndpoint exports traces and metrics; Agents:Dashboard:Port=N serves the Orleans Dashboard on 127.0.0.1:N;
// Agents:Health:Port=N serves /health/live and /health/ready; Agents:Kubernetes:Enabled=true turns on Orleans' Kubernetes hosting.
// One builder: the options below and the silo read the same configuration (appsettings, environment, command line).
var builder = WebApplication.CreateBuilder(args);
var dashboard = AgentsDashboardOptions.From(builder.Configuration);
var health = AgentsHealthOptions.From(builder.Configuration);
var kubernetes = AgentsKubernetesOptions.From(builder.Configuration);

void ConfigureSilo(ISiloBuilder silo)
{
    silo.UseAgentsClustering().AddAgents();
    if (kubernetes.Enabled)
    {
        // After UseAgentsClustering: the pod's name, address and labels win over the defaults for local processes.
        silo.UseKubernetesHosting(o => o.Configure(k => k.DeleteDefunctSiloPods = kubernetes.DeleteDefunctSiloPods));
    }

    if (dashboard.Enabled)
    {
        silo.AddDashboard();
    }
}

try
{
    return await RunAsync();
}
catch (Exception ex) when (ex is OrleansConfigurationException or InvalidOperationException { Source: "Agents.Hosting" })
{
    // A configuration the silo refuses (TLS required on a network address, an expired certificate, a pin list that
    // lets a client act as a silo): the reason, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}

async Task<int> RunAsync()
{
    if (dashboard.Enabled && health.Enabled && dashboard.Port == health.Port)
    {
        Console.Error.WriteLine($"Agents:Dashboard:Port and Agents:Health:Port must differ (both are {health.Port}).");
        return 2;
    }

    builder.AddAgentsTelemetry("agents-silo").UseOrleans(ConfigureSilo);
    string[] urls = [.. new[] { dashboard.Enabled ? dashboard.CheckedUrl() : null, health.Enabled ? health.Url : null }.OfType<string>()];
    if (urls.Length == 0)
    {
        // Neither the dashboard nor health asked for HTTP: the silo listens on no HTTP port at all.
        builder.WebHost.UseServer(new NoHttpServer());
    }
    else
    {
        builder.WebHost.UseUrls(urls);
    }

    var app = builder.Build();
    if (dashboard.Enabled)
    {
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireHost($"*:{dashboard.Port}");
    }

    if (health.Enabled)
    {
        app.MapSiloHealth(health.Port);
    }

    await app.RunAsync();
    return 0;
}
