namespace Agents.Inference.Simulation;

// Stand-in until branch h/sim (which owns this type in Simulation/MultiChoiceResult.cs) is merged; removed by the merge.
/// <summary>All choices of one n-choice request with the request's token usage.</summary>
public sealed record MultiChoiceResult(IReadOnlyList<string> Choices, long PromptTokens, long CompletionTokens);
