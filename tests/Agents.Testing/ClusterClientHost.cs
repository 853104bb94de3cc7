using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agents.Testing;

/// <summary>
/// A test's own Orleans client to a cluster of silo processes (status polls, grain calls beside the commands under
/// test): a host built without defaults, started within a bound and disposed if it does not start.
/// </summary>
public static class ClusterClientHost
{
    /// <summary>How long a client may take to connect unless a caller gives a bound.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(3);

    /// <summary>A client composed as the CLI composes one (<c>AddAgentsClient()</c>) for the cluster on <paramref name="redis"/>.</summary>
    /// <param name="redis">The Redis endpoint (<c>Agents:Cluster:Redis</c>).</param>
    /// <param name="clusterId">The cluster id, or null for the default.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static Task<IHost> StartAsync(string redis, string? clusterId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(redis);
        var settings = new Dictionary<string, string?> { ["Agents:Cluster:Redis"] = redis };
        if (clusterId is not null)
        {
            settings["Agents:Cluster:ClusterId"] = clusterId;
        }

        return StartAsync(client => client.AddAgentsClient(), settings, cancellationToken);
    }

    /// <summary>A client composed by <paramref name="configure"/> (e.g. a password or certificate given directly rather than through the environment).</summary>
    /// <param name="configure">The client's composition.</param>
    /// <param name="settings">Configuration the composition reads, or null.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<IHost> StartAsync(
        Action<IClientBuilder> configure, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.UseOrleansClient(configure);
        var host = builder.Build();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(DefaultLimit);
            await host.StartAsync(limit.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The started client's grain factory.</summary>
    public static IClusterClient ClusterClient(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
