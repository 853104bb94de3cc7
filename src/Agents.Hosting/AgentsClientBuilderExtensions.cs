using Agents.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Client composition: connects the CLI (or any client) to a Redis-backed Agents cluster.</summary>
public static class AgentsClientBuilderExtensions
{
    /// <summary>Configures Redis gateway discovery and the cluster ids from <c>Agents:Cluster</c>.</summary>
    public static IClientBuilder AddAgentsClient(this IClientBuilder client)
    {
        var cluster = AgentsClusterOptions.From(client.Configuration);
        if (!cluster.IsCluster)
        {
            throw new InvalidOperationException($"{AgentsClusterOptions.SectionName}:Redis is not set; a client needs the cluster's Redis");
        }

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

        return client;
    }
}
