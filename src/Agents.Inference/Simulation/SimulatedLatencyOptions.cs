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

    /// <summary>
    /// Output tokens generated per second per sequence; 0 means instant. A request of n choices decodes them together:
    /// for the longest choice in one slot, or each in a slot of its own with <see cref="SlotPerChoice"/>.
    /// </summary>
    [Range(0.0, double.MaxValue)]
    public double DecodeTokensPerSecond { get; set; }

    /// <summary>Requests served at once, server-wide (like a continuous-batching server's slots); 0 means unlimited.</summary>
    [Range(0, int.MaxValue)]
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Whether each choice of an n-choice request is a sequence holding a slot of its own until its last token, as on a
    /// vLLM server whose batch slots are sequences (an n = 8 draw takes 8 of them); the prompt is prefilled once, by the
    /// first choice. Off (the default): the n choices share one slot for the longest choice's decode time.
    /// </summary>
    public bool SlotPerChoice { get; set; }

    /// <summary>
    /// Tokens the server's prompt-prefix cache (its KV cache) keeps, least recently used evicted first; a prompt's leading
    /// messages found there cost no prefill time. 0 turns the cache off.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long PrefixCacheTokens { get; set; }
}
