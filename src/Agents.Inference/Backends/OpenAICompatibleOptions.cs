using Agents.Inference.Resilience;

namespace Agents.Inference.Backends;

/// <summary>Where and how to reach one model on an OpenAI-compatible server; the key never appears in <see cref="ToString"/>.</summary>
public sealed class OpenAICompatibleOptions
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "AGENTS_OPENAI_API_KEY";

    /// <summary>The key sent when none is configured (local servers ignore it).</summary>
    public const string NoKey = "none";

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:8000/v1</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The model name sent with every request.</summary>
    public required string Model { get; init; }

    /// <summary>The API key (from <see cref="ApiKeyVariable"/>); secret.</summary>
    public string ApiKey { get; init; } = NoKey;

    /// <summary>The transport's timeout for one HTTP exchange; the retry layer's attempt timeout usually fires first.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retry limits and delays.</summary>
    public ModelRetryOptions Retry { get; init; } = new();

    /// <summary>
    /// Send a final assistant message as a prefill to continue, with vLLM's <c>continue_final_message: true,
    /// add_generation_prompt: false</c> (on by default; a server that rejects them gets the request again without them,
    /// and the run records <c>refused</c>). Off: the message is sent plain and the reply alone says what the server did.
    /// </summary>
    public bool ContinueFinalMessage { get; init; } = true;

    /// <summary>Which workflow hints requests carry (off by default).</summary>
    public ModelHintOptions Hints { get; init; } = new();

    /// <summary>The key from <see cref="ApiKeyVariable"/>, or <see cref="NoKey"/> when unset.</summary>
    public static string ApiKeyFromEnvironment() =>
        Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key ? key : NoKey;

    /// <summary>Options for a parsed <c>openai:</c> spec, with the key from the environment.</summary>
    public static OpenAICompatibleOptions FromSpec(ModelSpec spec, ModelRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != ModelSpecKind.OpenAI || spec.Endpoint is null || spec.Model is null)
        {
            throw new ArgumentException($"'{spec}' is not an openai:URL#MODEL spec.", nameof(spec));
        }

        return new OpenAICompatibleOptions
        {
            Endpoint = spec.Endpoint,
            Model = spec.Model,
            ApiKey = ApiKeyFromEnvironment(),
            Retry = retry ?? new ModelRetryOptions(),
        };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"openai {Endpoint} model {Model} (api key {(ApiKey == NoKey ? "none" : "set")}, network timeout {NetworkTimeout}, retries {Retry.MaxRetryAttempts})";
}
