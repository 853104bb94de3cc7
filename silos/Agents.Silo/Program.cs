using Orleans.Dashboard;
using Agents.Hosting;
using Agents.Silo;

// Roles, hosted models and the cluster's Redis come from configuration (Agents:Cluster, Agents:Models, Orleans:Metadata);
// Agents:Telemetry:OtlpEndpoint exports traces and metrics; Agents:Dashboard:Port=N serves the Orleans Dashboard on 127.0.0.1:N;
// Agents:Health:Port=N serves /health/live and /health/ready; Agents:Kubernetes:Enabled=true turns on Orleans' Kubernetes hosting.
var settings = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var dashboard = AgentsDashboardOptions.From(settings);
var health = AgentsHealthOptions.From(settings);
var kubernetes = AgentsKubernetesOptions.From(settings);

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
    if (!dashboard.Enabled && !health.Enabled)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddAgentsTelemetry("agents-silo").UseOrleans(ConfigureSilo);
        await builder.Build().RunAsync();
        return 0;
    }

    if (dashboard.Enabled && health.Enabled && dashboard.Port == health.Port)
    {
        Console.Error.WriteLine($"Agents:Dashboard:Port and Agents:Health:Port must differ (both are {health.Port}).");
        return 2;
    }

    var web = WebApplication.CreateBuilder(args);
    web.AddAgentsTelemetry("agents-silo").UseOrleans(ConfigureSilo);
    web.WebHost.UseUrls([.. new[] { dashboard.Enabled ? dashboard.CheckedUrl() : null, health.Enabled ? health.Url : null }.OfType<string>()]);
    var app = web.Build();
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
