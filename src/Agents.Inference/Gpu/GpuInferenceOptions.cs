using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Gpu;

/// <summary>When agents send model calls through the inference replicas rather than to a local backend.</summary>
public enum GpuRouting
{
    /// <summary>Agents call their backend directly (embedded mode).</summary>
    Off,

    /// <summary>A spec goes through the replicas when some active gpu silo advertises it, else to the local backend.</summary>
    Auto,

    /// <summary>Every spec goes through the replicas; a spec no gpu silo hosts fails with <c>NoGpuSiloException</c>.</summary>
    Always,
}

/// <summary>The inference tier's cluster-wide settings (section <c>Agents:Gpu</c>); what a silo hosts is its silo metadata.</summary>
public sealed class GpuInferenceOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Gpu";

    /// <summary>Whether agents' model calls go through the replicas.</summary>
    public GpuRouting Routing { get; set; } = GpuRouting.Off;

    /// <summary>How the router picks a replica.</summary>
    public RoutingPolicy Policy { get; set; } = RoutingPolicy.Affinity;

    /// <summary>The bounded-load slack ε: a replica above (1 + ε) × mean load takes no new affinity traffic.</summary>
    [Range(0.0, 10.0)]
    public double LoadEpsilon { get; set; } = 0.25;

    /// <summary>Requests one replica queues beyond its capacity, unless its silo sets <c>queue.ID</c>.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 16;

    /// <summary>How long a request may wait for a replica slot (queue plus router backoff) before a retryable refusal.</summary>
    [Range(1, int.MaxValue)]
    public int QueueDeadlineMs { get; set; } = 20_000;

    /// <summary>How often a replica checks its backend's health; 0 disables the checks.</summary>
    [Range(0, int.MaxValue)]
    public int HealthCheckIntervalMs { get; set; } = 5_000;

    /// <summary>Consecutive failed checks (or failed requests) after which a replica counts as unhealthy.</summary>
    [Range(1, 1000)]
    public int HealthFailureThreshold { get; set; } = 2;

    /// <summary>The queue deadline as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan QueueDeadline => TimeSpan.FromMilliseconds(QueueDeadlineMs);
}
