using System.Collections.Concurrent;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Options;

namespace Agents.Grains.Inference;

/// <summary>
/// This silo's view of its own backends: a model is unhealthy after <see cref="GpuInferenceOptions.HealthFailureThreshold"/>
/// consecutive failed health checks or requests, and healthy again after one success. Thread-safe.
/// </summary>
public sealed class ModelHealth(IOptions<GpuInferenceOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Whether the model's backend on this silo is taking work.</summary>
    public bool IsHealthy(string model) => _failures.GetValueOrDefault(model) < options.Value.HealthFailureThreshold;

    /// <summary>Counts a failure; returns true when this made the model unhealthy.</summary>
    public bool ReportFailure(string model)
    {
        var failures = _failures.AddOrUpdate(model, 1, (_, f) => f + 1);
        return failures == options.Value.HealthFailureThreshold;
    }

    /// <summary>Counts a success; returns true when this made the model healthy again.</summary>
    public bool ReportSuccess(string model)
    {
        var wasHealthy = IsHealthy(model);
        _failures[model] = 0;
        return !wasHealthy;
    }
}

/// <summary>The cluster's unhealthy (model, silo) pairs as last read from <c>IInferenceHealthGrain</c>; silos drop them from placement and routing.</summary>
public sealed class ModelHealthView
{
    private volatile ImmutableHashSet<string> _unhealthy = [];

    /// <summary>Whether the silo stopped advertising the model because its backend is failing.</summary>
    public bool IsUnhealthy(string model, SiloAddress silo) => _unhealthy.Contains(Key(model, silo.ToString()));

    /// <summary>The pair's key in the health grain.</summary>
    public static string Key(string model, string silo) => $"{model}@{silo}";

    /// <summary>Replaces the view.</summary>
    public void Update(ImmutableHashSet<string> unhealthy) => _unhealthy = unhealthy;
}
