using System.Collections.Frozen;
using System.Net;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace Agents.Hosting;

/// <summary>
/// How a silo joins a cluster and where it keeps grain state and reminders, and how a client finds the gateways: one
/// entry per provider, chosen by name from <c>Agents:Cluster:Provider</c> the way Orleans chooses a provider from its
/// <c>ProviderType</c> key, instead of a branch per mode in each composition method.
/// </summary>
/// <param name="Name">The provider's name in configuration.</param>
/// <param name="Shared">True when silos in several processes share the cluster (GPU routing defaults to <c>Auto</c>).</param>
/// <param name="Clustering">Membership and endpoints of a silo.</param>
/// <param name="Storage">Grain storage <c>StorageNames.Agents</c> and the reminder service of a silo.</param>
/// <param name="Client">Gateway discovery of a client; null when the provider has no gateways a client can find.</param>
public sealed record AgentsClusterProvider(
    string Name,
    bool Shared,
    Action<ISiloBuilder, AgentsClusterOptions> Clustering,
    Action<ISiloBuilder, AgentsClusterOptions> Storage,
    Action<IClientBuilder, AgentsClusterOptions>? Client);

/// <summary>The cluster providers by name (<see cref="AgentsClusterOptions.Provider"/>).</summary>
public static class AgentsClusterProviders
{
    /// <summary>One silo in this process, in-memory state and reminders (the CLI's embedded silo, the test clusters).</summary>
    public const string Localhost = "Localhost";

    /// <summary>Silos and clients that meet in Redis: membership, grain state and reminders all in the cluster's Redis.</summary>
    public const string Redis = "Redis";

    private static readonly FrozenDictionary<string, AgentsClusterProvider> Known = new AgentsClusterProvider[]
    {
        new(Localhost, Shared: false, LocalhostClustering, MemoryStorage, Client: null),
        new(Redis, Shared: true, RedisClustering, RedisStorage, RedisClient),
    }.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every provider name, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Known.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The provider the options name (unset: <see cref="Redis"/> when a Redis connection is configured, else <see cref="Localhost"/>).</summary>
    /// <exception cref="InvalidOperationException">The options name no known provider.</exception>
    public static AgentsClusterProvider For(AgentsClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var name = cluster.EffectiveProvider;
        if (!Known.TryGetValue(name, out var provider))
        {
            throw new InvalidOperationException(
                $"{AgentsClusterOptions.SectionName}:Provider: no cluster provider is named '{name}'; known: {string.Join(", ", Names)}");
        }

        if (provider.Name == Redis && !cluster.IsCluster)
        {
            throw new InvalidOperationException($"{AgentsClusterOptions.SectionName}:Redis is not set; the {Redis} cluster provider needs the cluster's Redis");
        }

        return provider;
    }

    private static void LocalhostClustering(ISiloBuilder silo, AgentsClusterOptions cluster) =>
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);

    private static void MemoryStorage(ISiloBuilder silo, AgentsClusterOptions cluster)
    {
        silo.AddMemoryGrainStorage(Agents.Grains.StorageNames.Agents);
        silo.UseInMemoryReminderService();
    }

    private static void RedisClustering(ISiloBuilder silo, AgentsClusterOptions cluster)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.UseRedisClustering(o => o.ConfigurationOptions = cluster.RedisConfiguration());
        silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
        if (AgentsTls.LoadCertificate(cluster) is { } certificate)
        {
            AgentsTls.UseAgentsTls(silo, certificate, cluster);
        }

        // Checked against the endpoints as finally configured (Kubernetes hosting replaces the address and listens
        // on every interface): a silo reachable from the network without TLS refuses to start.
        silo.Services.AddSingleton<IConfigurationValidator>(sp => new PlaintextExposureValidator(sp.GetRequiredService<IOptions<EndpointOptions>>(), cluster));
    }

    private static void RedisStorage(ISiloBuilder silo, AgentsClusterOptions cluster)
    {
        silo.AddRedisGrainStorage(Agents.Grains.StorageNames.Agents, o => o.ConfigurationOptions = cluster.RedisConfiguration());
        silo.UseRedisReminderService(o => o.ConfigurationOptions = cluster.RedisConfiguration());
    }

    private static void RedisClient(IClientBuilder client, AgentsClusterOptions cluster)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        client.UseRedisClustering(o => o.ConfigurationOptions = cluster.RedisConfiguration());
        if (AgentsTls.LoadCertificate(cluster) is { } certificate)
        {
            AgentsTls.UseAgentsTls(client, certificate, cluster);
        }
    }
}
