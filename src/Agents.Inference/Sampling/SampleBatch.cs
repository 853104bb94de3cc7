using Agents.Inference.Simulation;

namespace Agents.Inference.Sampling;

/// <summary>The texts of n samples of one prompt and what drawing them cost.</summary>
/// <param name="Texts">The samples, in choice order (choice i was drawn with <c>SampleSeed.ForChoice(baseSeed, i)</c>).</param>
/// <param name="Usage">Requests, samples, tokens and retries.</param>
/// <param name="Method"><see cref="MethodN"/> (one request with n choices) or <see cref="MethodParallel"/> (n requests).</param>
/// <param name="Prefill">How the backend sent a final assistant message (<see cref="MultiChoiceResult.Prefill"/>), or null.</param>
public sealed record SampleBatch(IReadOnlyList<string> Texts, TokenUsage Usage, string Method, string? Prefill = null)
{
    /// <summary>One request asked for all n choices.</summary>
    public const string MethodN = "n";

    /// <summary>n requests of one choice each, sent in parallel.</summary>
    public const string MethodParallel = "parallel";
}
