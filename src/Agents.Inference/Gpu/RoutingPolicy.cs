namespace Agents.Inference.Gpu;

/// <summary>How the router picks a model replica for a request.</summary>
public enum RoutingPolicy
{
    /// <summary>Consistent hashing on the request's affinity key, spilling past replicas above (1 + ε) × mean load.</summary>
    Affinity,

    /// <summary>Replicas in turn, ignoring keys and load.</summary>
    RoundRobin,

    /// <summary>The replica with the fewest requests in flight (ties taken in turn).</summary>
    LeastLoaded,
}
