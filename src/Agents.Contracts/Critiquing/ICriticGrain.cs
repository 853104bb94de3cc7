using Agents.Contracts.Refining;
using Agents.Contracts.Solving;

namespace Agents.Contracts.Critiquing;

/// <summary>The SPC step critic (docs/algorithms.md §3.4): judges the last step of a partial solution.</summary>
[Alias("agents.critic")]
public interface ICriticGrain : IGrainWithIntegerKey
{
    /// <summary>Judges <see cref="StepJudgeRequest.LastStep"/> given the problem and the previous steps; an output without a valid verdict is reported (label 0), never thrown.</summary>
    [Alias("judge-step")]
    Task<StepVerdict> JudgeStepAsync(StepJudgeRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One step to judge.</summary>
/// <param name="Question">The problem.</param>
/// <param name="PreviousSteps">The steps before the judged one (the partial solution).</param>
/// <param name="LastStep">The step under judgment.</param>
/// <param name="Call">Model settings (the critic decodes greedily by default).</param>
[GenerateSerializer, Immutable, Alias("agents.step-judge-request.v1")]
public sealed record StepJudgeRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<string> PreviousSteps,
    [property: Id(2)] string LastStep,
    [property: Id(3)] ModelCall Call);

/// <summary>The critic's verdict on one step.</summary>
/// <param name="Label">+1 correct, −1 incorrect, 0 no valid verdict in the output (the first <c>&lt;Answer&gt;…&lt;/Answer&gt;</c> decides).</param>
/// <param name="Raw">The completion as the model wrote it.</param>
/// <param name="Usage">Calls and tokens.</param>
[GenerateSerializer, Immutable, Alias("agents.step-verdict.v1")]
public sealed record StepVerdict(
    [property: Id(0)] int Label,
    [property: Id(1)] string Raw,
    [property: Id(2)] TokenUsage Usage);
