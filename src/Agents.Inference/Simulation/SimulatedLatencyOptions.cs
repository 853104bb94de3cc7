using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Simulation;

/// <summary>How slow the simulated model server is; the defaults (all zero) answer instantly with no concurrency cap.</summary>
public sealed class SimulatedLatencyOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Simulation:Latency";

    /// <summary>Prompt tokens processed per second before the first output token; 0 means prefill is instant.</summary>
    [Range(0.0, double.MaxValue)]
    public double PrefillTokensPerSecond { get; set; }

    /// <summary>Output tokens generated per second (of the longest choice, as choices decode in one batch); 0 means instant.</summary>
    [Range(0.0, double.MaxValue)]
    public double DecodeTokensPerSecond { get; set; }

    /// <summary>Requests served at once, server-wide (like a continuous-batching server's slots); 0 means unlimited.</summary>
    [Range(0, int.MaxValue)]
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Tokens the server's prompt-prefix cache (its KV cache) keeps, least recently used evicted first; a prompt's leading
    /// messages found there cost no prefill time. 0 turns the cache off.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long PrefixCacheTokens { get; set; }
}
