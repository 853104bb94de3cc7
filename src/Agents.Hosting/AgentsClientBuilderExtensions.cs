using Agents.Hosting;
using Microsoft.Extensions.Hosting;

namespace Orleans.Hosting;

/// <summary>Client composition: connects the CLI (or any client) to a Redis-backed Agents cluster.</summary>
public static class AgentsClientBuilderExtensions
{
    /// <summary>Configures gateway discovery and the cluster ids from <c>Agents:Cluster</c>, through its provider.</summary>
    public static IClientBuilder AddAgentsClient(this IClientBuilder client)
    {
        var cluster = AgentsClusterOptions.From(client.Configuration);
        var connect = AgentsClusterProviders.For(cluster).Client
            ?? throw new InvalidOperationException($"{AgentsClusterOptions.SectionName}:Redis is not set; a client needs the cluster's Redis");
        connect(client, cluster);
        return client;
    }
}
