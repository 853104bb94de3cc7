using Agents.Contracts.Jobs;

namespace Agents.Core.Jobs;

/// <summary>Comparison of job settings, for a client that creates (or re-attaches to) a job that may already exist.</summary>
public static class JobSpecs
{
    /// <summary>
    /// Whether two specs have the same settings. Record equality compares the options dictionary by reference, and a
    /// re-attaching client sends a new one, so options are compared by content.
    /// </summary>
    public static bool AreSame(JobSpec existing, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(spec);
        return existing with { Strategy = existing.Strategy with { Options = spec.Strategy.Options } } == spec
            && existing.Strategy.Options.Count == spec.Strategy.Options.Count
            && existing.Strategy.Options.All(o => spec.Strategy.Options.TryGetValue(o.Key, out var value) && value == o.Value);
    }
}
