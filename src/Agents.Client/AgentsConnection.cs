using Agents.Hosting;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agents.Client;

/// <summary>
/// Where a client's grain calls go: an in-process silo (embedded mode, the default) or a Redis-backed cluster
/// reached through its gateways (<c>--cluster redis://HOST:PORT</c>).
/// </summary>
public sealed class AgentsConnection(IHost host, bool embedded, string description) : IAsyncDisposable
{
    /// <summary>Grain factory of the embedded silo or of the cluster client.</summary>
    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>True when the CLI hosts the silo itself.</summary>
    public bool Embedded { get; } = embedded;

    /// <summary>"embedded" or the cluster's Redis endpoint, for summaries.</summary>
    public string Description { get; } = description;

    /// <summary>Starts an embedded silo or connects to the cluster.</summary>
    public static async Task<AgentsConnection> OpenAsync(
        string? cluster, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Agents__Models__Default, Agents__Sim__..., Agents__Cluster__ClusterId and the like come from the environment.
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrWhiteSpace(cluster))
        {
            // Free ports, so several embedded runs (and tests) can share a machine.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{AgentsClusterOptions.SectionName}:SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
                [$"{AgentsClusterOptions.SectionName}:GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            });
            builder.UseOrleans(silo => silo.UseAgentsClustering().AddAgents());
        }
        else
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{AgentsClusterOptions.SectionName}:Redis"] = cluster,
            });
            builder.UseOrleansClient(client => client.AddAgentsClient());
        }

        builder.AddAgentsTelemetry("agents-cli");
        var host = builder.Build();
        // A client whose cluster never answers (wrong address, silos down, TLS on one side only) gets a clear error in bounded time.
        var connectTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue($"{AgentsClusterOptions.SectionName}:ConnectTimeoutSeconds", 30));
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!string.IsNullOrWhiteSpace(cluster))
        {
            connect.CancelAfter(connectTimeout);
        }

        try
        {
            await host.StartAsync(connect.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new TimeoutException(
                $"no gateway of the cluster at {cluster} answered within {connectTimeout.TotalSeconds:0} s " +
                "(check the address, that silos are running, and that TLS settings match on both sides)");
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new AgentsConnection(host, string.IsNullOrWhiteSpace(cluster), string.IsNullOrWhiteSpace(cluster) ? "embedded" : cluster!);
    }

    /// <summary>Stops the embedded silo or the cluster client (bounded to 10 s).</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>Free loopback ports for the embedded silo.</summary>
public static class Ports
{
    /// <summary>Asks the OS for a free TCP port on 127.0.0.1.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
