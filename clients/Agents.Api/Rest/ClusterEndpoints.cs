using Agents.Client;

namespace Agents.Api.Rest;

/// <summary><c>GET /api/cluster</c>: silos, roles, hosted models and replicas with their load.</summary>
public static class ClusterEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", async (ClusterClient cluster) =>
        {
            var silos = await cluster.GetSilosAsync();
            var replicas = await cluster.ReplicaLoadsAsync(silos);
            return Results.Json(new
            {
                silos = silos.Select(s => new
                {
                    address = s.Address,
                    name = s.Name,
                    status = s.Status,
                    role = s.Metadata.GetValueOrDefault("role") ?? (s.Metadata.GetValueOrDefault("gpu") == "true" ? "gpu" : "cpu"),
                    models = Agents.Contracts.Inference.GpuSiloMetadata.Models(s.Metadata),
                    metadata = s.Metadata,
                    activations = s.Activations,
                }),
                replicas,
            }, ApiJson.Options);
        }).WithTags("Cluster").WithSummary("Silos, roles, hosted models and model replicas (queue depth, in flight, health)");
        return app;
    }
}
