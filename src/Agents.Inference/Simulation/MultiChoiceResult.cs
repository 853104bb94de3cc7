namespace Agents.Inference.Simulation;

/// <summary>The completions of one n-choice request and its token usage (prompt counted once, completions summed).</summary>
/// <param name="Choices">The completion texts, choice i drawn with seed <c>SampleSeed.ForChoice(seed, i)</c>.</param>
/// <param name="PromptTokens">Prompt tokens of the request, counted once as an OpenAI-compatible server reports them.</param>
/// <param name="CompletionTokens">Completion tokens summed over the choices.</param>
public sealed record MultiChoiceResult(IReadOnlyList<string> Choices, long PromptTokens, long CompletionTokens)
{
    /// <summary>
    /// How the backend sent a final assistant message (a prefill): <c>Agents.Core.Solving.Prefill.Prefilled</c>,
    /// <c>Sent</c> or <c>Refused</c>; null when the prompt ends with no assistant message or the backend cannot say.
    /// </summary>
    public string? Prefill { get; init; }

    /// <summary>Backend facts a single <see cref="ChatResponse"/> carries besides the prefill (the replica and silo that served it).</summary>
    public IReadOnlyDictionary<string, object?>? Properties { get; init; }

    /// <summary>The chat-options key under which a minimum completion length travels (vLLM <c>min_tokens</c>).</summary>
    public const string MinTokensProperty = "min_tokens";

    /// <summary>The response property under which <see cref="Prefill"/> travels on a single <see cref="ChatResponse"/>.</summary>
    public const string PrefillProperty = "agents.prefill";

    /// <summary>True when the prompt's last message is an assistant message the model must continue.</summary>
    public static bool EndsWithPrefill(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault() is { } last && last.Role == ChatRole.Assistant;

    /// <summary>The minimum completion length a request asks for (<see cref="MinTokensProperty"/>), or null.</summary>
    public static int? MinTokens(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(MinTokensProperty, out var value) == true && value is int tokens && tokens > 0 ? tokens : null;
}
