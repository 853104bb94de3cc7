using System.ComponentModel.DataAnnotations;

namespace Agents.Api.Hosting;

/// <summary>The HTTP host's settings (section <c>Agents:Api</c>); keys come from <c>AGENTS_API_KEYS</c>, never from here.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Api";

    /// <summary>The environment variable (or configuration key) holding the comma-separated API keys.</summary>
    public const string KeysVariable = "AGENTS_API_KEYS";

    /// <summary>
    /// Lets the host listen on an address other than loopback over plain HTTP. Off by default: a non-loopback listener
    /// must be <c>https://</c> (certificate from <c>Kestrel:Certificates:Default:Path</c>). Turn it on only behind
    /// something that terminates TLS for it (an ingress, a reverse proxy on the same machine).
    /// </summary>
    public bool AllowPlaintextNonLoopback { get; set; }

    /// <summary>
    /// The base models the gateway serves, by the name clients use (<c>BASE</c> in <c>STRATEGY[@K]:BASE</c>) → model spec
    /// (<c>sim</c>, <c>openai:URL#MODEL</c>, ...); models hosted by gpu silos are added to these. Empty = <c>sim</c> only.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = [];

    /// <summary>The largest request body on every route but dataset uploads.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest dataset a job upload may carry.</summary>
    [Range(1024, 16L * 1024 * 1024 * 1024)]
    public long MaxDatasetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The longest problem (last user message) the gateway accepts, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxProblemChars { get; set; } = 32_000;

    /// <summary>The most messages one chat request may carry.</summary>
    [Range(1, 10_000)]
    public int MaxMessages { get; set; } = 256;

    /// <summary>The largest <c>n</c> (independent runs) one request may ask for.</summary>
    [Range(1, 64)]
    public int MaxChoices { get; set; } = 8;

    /// <summary>The largest <c>@K</c> a model name may ask for.</summary>
    [Range(1, 1024)]
    public int MaxK { get; set; } = 128;

    /// <summary>How long one gateway request may run before it is cancelled.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a streamed response sends an SSE comment while the agents work.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-key rate limit.</summary>
    [Required]
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>MAgICoRe's μ and σ for single problems (no dataset barrier).</summary>
    [Required]
    public MagicoreStatsOptions Magicore { get; set; } = new();
}

/// <summary>A fixed window of requests per API key (per client address when no keys are configured).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests one key may make per window.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 1200;

    /// <summary>The window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// MAgICoRe normalises a problem's reward scores with the dataset's μ and σ; a single chat request has no dataset, so
/// they come from here, and every response names the source.
/// </summary>
public sealed class MagicoreStatsOptions
{
    /// <summary>μ of the first chains' reward scores.</summary>
    public double? Mu { get; set; }

    /// <summary>σ (population) of the same scores.</summary>
    [Range(0.0, double.MaxValue)]
    public double? Sigma { get; set; }

    /// <summary>Where the figures come from, recorded in every MAgICoRe response (e.g. <c>configuration</c>, <c>calibration:JOB</c>).</summary>
    [Required]
    public string Source { get; set; } = "configuration";
}
