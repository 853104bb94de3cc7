namespace Agents.Inference.Simulation;

/// <summary>The completions of one n-choice request and its token usage (prompt counted once, completions summed).</summary>
/// <param name="Choices">The completion texts, choice i drawn with seed <c>SampleSeed.ForChoice(seed, i)</c>.</param>
/// <param name="PromptTokens">Prompt tokens of the request, counted once as an OpenAI-compatible server reports them.</param>
/// <param name="CompletionTokens">Completion tokens summed over the choices.</param>
public sealed record MultiChoiceResult(IReadOnlyList<string> Choices, long PromptTokens, long CompletionTokens);
