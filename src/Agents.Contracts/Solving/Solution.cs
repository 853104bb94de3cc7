namespace Agents.Contracts.Solving;

/// <summary>One step of a solution chain, as the process scorer and the reviewer see it.</summary>
/// <param name="Index">0-based position in the chain.</param>
/// <param name="Text">The step's text without its "Step n:" label.</param>
[GenerateSerializer, Immutable, Alias("agents.step.v1")]
public sealed record Step([property: Id(0)] int Index, [property: Id(1)] string Text);

/// <summary>A complete model solution: the raw text, its steps and the extracted final answer.</summary>
/// <param name="Text">The full chain as the model wrote it.</param>
/// <param name="Steps">The chain cut into steps.</param>
/// <param name="Answer">The extracted answer string, or null when none could be extracted.</param>
[GenerateSerializer, Immutable, Alias("agents.solution.v1")]
public sealed record Solution(
    [property: Id(0)] string Text,
    [property: Id(1)] ImmutableArray<Step> Steps,
    [property: Id(2)] string? Answer);

/// <summary>Token and call counts of one or more model calls.</summary>
/// <param name="Calls">Requests sent to the backend (retries not included).</param>
/// <param name="Samples">Completions received.</param>
/// <param name="PromptTokens">Prompt tokens as reported by the backend (or counted with a real tokenizer).</param>
/// <param name="CompletionTokens">Completion tokens.</param>
/// <param name="Retries">Backend retries after transient failures (429, 5xx, timeouts).</param>
[GenerateSerializer, Immutable, Alias("agents.usage.v1")]
public sealed record TokenUsage(
    [property: Id(0)] int Calls,
    [property: Id(1)] int Samples,
    [property: Id(2)] long PromptTokens,
    [property: Id(3)] long CompletionTokens,
    [property: Id(4)] int Retries)
{
    /// <summary>No calls (a fresh instance each time: Orleans deserializes a field into the object a constructor put
    /// there, so a shared default instance used as a field initializer would be overwritten).</summary>
    public static TokenUsage None => new(0, 0, 0, 0, 0);

    /// <summary>Adds two usages.</summary>
    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(
        a.Calls + b.Calls, a.Samples + b.Samples, a.PromptTokens + b.PromptTokens,
        a.CompletionTokens + b.CompletionTokens, a.Retries + b.Retries);

    /// <summary>Adds two usages.</summary>
    public static TokenUsage Add(TokenUsage a, TokenUsage b) => a + b;
}

/// <summary>One sampled solution with the seed that produced it.</summary>
/// <param name="Index">Sample index within the request (0..k-1).</param>
/// <param name="Seed">The seed sent with this sample.</param>
/// <param name="Solution">The parsed solution.</param>
[GenerateSerializer, Immutable, Alias("agents.sample.v1")]
public sealed record Sample(
    [property: Id(0)] int Index,
    [property: Id(1)] long Seed,
    [property: Id(2)] Solution Solution);
