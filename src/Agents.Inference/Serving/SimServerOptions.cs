using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Serving;

/// <summary>Where the simulated OpenAI-compatible server listens, its optional key, and the faults it injects.</summary>
public sealed class SimServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:SimServer";

    /// <summary>The address to listen on; loopback by default, since the server has no TLS.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 lets the OS choose (read it back from <see cref="SimServer.BaseAddress"/>).</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The model id listed by <c>/v1/models</c> and echoed when a request names none.</summary>
    [Required]
    public string ModelName { get; set; } = "sim";

    /// <summary>When set, requests must carry <c>Authorization: Bearer</c> this key; secret.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The share of completion requests answered with 429 (rate limited).</summary>
    [Range(0.0, 1.0)]
    public double FailureRate429 { get; set; }

    /// <summary>The share of completion requests answered with 500.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate500 { get; set; }

    /// <summary>The share of completion requests held for <see cref="Delay"/> before they are answered.</summary>
    [Range(0.0, 1.0)]
    public double DelayRate { get; set; }

    /// <summary>How long a delayed request is held (longer than a client's timeout makes it time out).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> sent with injected 429s, or null for none.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>The seed of the fault draws, so a sequence of requests meets the same faults every run.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>The largest <c>n</c> accepted.</summary>
    [Range(1, 1024)]
    public int MaxChoices { get; set; } = 128;

    /// <summary>The header whose values the server counts as session keys (<c>/stats</c> <c>session_requests</c>, <c>sessions</c>).</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")]
    public string SessionHeader { get; set; } = "x-session-id";

    /// <summary>What the server does with vLLM's <c>continue_final_message</c> / <c>add_generation_prompt</c> (default: honour them, like vLLM).</summary>
    public SimFinalMessageMode FinalMessage { get; set; } = SimFinalMessageMode.Continue;

    /// <inheritdoc/>
    public override string ToString() =>
        $"sim-server http://{Host}:{Port} model {ModelName} (api key {(string.IsNullOrEmpty(ApiKey) ? "none" : "set")}, " +
        $"429 {FailureRate429:P0}, 500 {FailureRate500:P0}, delay {DelayRate:P0} x {Delay}, fault seed {FaultSeed}, final message {FinalMessage})";
}

/// <summary>
/// How the simulated server treats a request whose last message is an assistant message. Like vLLM, a final assistant
/// message is a finished turn and a new one opens, unless the request says <c>continue_final_message: true</c>.
/// </summary>
public enum SimFinalMessageMode
{
    /// <summary>Honour <c>continue_final_message</c> (vLLM): the model continues the final assistant message.</summary>
    Continue,

    /// <summary>Accept the parameters but ignore them (a server that drops unknown fields): a new turn always opens.</summary>
    Ignore,

    /// <summary>Reject a request carrying <c>continue_final_message</c> or <c>add_generation_prompt</c> with a 400 naming it (as OpenAI does).</summary>
    Refuse,
}
