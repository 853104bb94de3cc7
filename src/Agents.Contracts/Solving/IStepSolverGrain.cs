using Agents.Contracts.Refining;

namespace Agents.Contracts.Solving;

/// <summary>The Solver writing one step at a time (critic-guided search, docs/algorithms.md §3.7).</summary>
[Alias("agents.step-solver")]
public interface IStepSolverGrain : IGrainWithIntegerKey
{
    /// <summary>Writes the step that follows <see cref="NextStepRequest.Steps"/>.</summary>
    [Alias("next-step")]
    Task<NextStepResult> NextStepAsync(NextStepRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Asks for the next step of a partial solution.</summary>
/// <param name="Question">The problem.</param>
/// <param name="Steps">The accepted steps so far (without "Step n:" labels).</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.next-step-request.v1")]
public sealed record NextStepRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<string> Steps,
    [property: Id(2)] ModelCall Call);

/// <summary>The proposed step.</summary>
/// <param name="Step">The step's text without its label (only the first step when the model wrote more).</param>
/// <param name="IsFinal">True when the step states the final answer (or the model gave nothing, which ends the chain).</param>
/// <param name="Raw">The completion as the model wrote it.</param>
/// <param name="Usage">Calls and tokens.</param>
[GenerateSerializer, Immutable, Alias("agents.next-step-result.v1")]
public sealed record NextStepResult(
    [property: Id(0)] string Step,
    [property: Id(1)] bool IsFinal,
    [property: Id(2)] string Raw,
    [property: Id(3)] TokenUsage Usage);
