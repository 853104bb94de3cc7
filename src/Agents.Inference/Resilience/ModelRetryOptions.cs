using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Resilience;

/// <summary>How model backends retry transient failures (429, 5xx, timeouts, dropped connections).</summary>
public sealed class ModelRetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Models:Retry";

    /// <summary>Retries after the first attempt; 0 disables retrying.</summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff delay; later ones grow exponentially (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap on any single delay, including a server's <c>Retry-After</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time one attempt may take before it is abandoned and retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether backoff delays are randomised, so many clients do not retry in lockstep.</summary>
    public bool UseJitter { get; set; } = true;
}
