using System.ComponentModel.DataAnnotations;
using Agents.Core.Answers;
using Agents.Core.Voting;

namespace Agents.Core.SelfPlay;

/// <summary>What the search does when a step's resample budget (or the total budget) is spent and the critic still rejects it.</summary>
public enum ExhaustedAction
{
    /// <summary>Accept the last proposal and go on (docs/algorithms.md §3.7: "else accept it and continue"; default).</summary>
    AcceptLast,

    /// <summary>Stop the chain without an answer.</summary>
    GiveUp,
}

/// <summary>The budgets of critic-guided search (docs/algorithms.md §3.7; all unknown in the paper, so options).</summary>
public sealed record SpcSearchOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:SpcSearch";

    /// <summary>The defaults.</summary>
    public static SpcSearchOptions Default { get; } = new();

    /// <summary>Resamples allowed per step after a rejection.</summary>
    [Range(0, 100)]
    public int MaxResamplesPerStep { get; init; } = 3;

    /// <summary>Resamples allowed over the whole chain (0 = no limit beyond the per-step one).</summary>
    [Range(0, 10_000)]
    public int MaxTotalResamples { get; init; }

    /// <summary>Accepted steps after which the chain stops without a final step.</summary>
    [Range(1, 1000)]
    public int MaxSteps { get; init; } = 30;

    /// <summary>What happens when the budget is spent on a rejected step.</summary>
    public ExhaustedAction OnExhausted { get; init; } = ExhaustedAction.AcceptLast;

    /// <summary>Treat an invalid critic output as a rejection (default: as acceptance, since it found nothing wrong).</summary>
    public bool RejectOnInvalidVerdict { get; init; }

    /// <summary>k: independent verified chains voted by majority ("SC + verifier"); 1 = no vote.</summary>
    [Range(1, 256)]
    public int Samples { get; init; } = 1;

    /// <summary>Sampling temperature of the solver's steps.</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; init; } = 0.7;
}

/// <summary>The search's decision after the critic's verdict on a proposed step.</summary>
public enum SearchDecision
{
    /// <summary>The critic accepted the step.</summary>
    Accept,

    /// <summary>Rejected, budget left: discard the step and propose again.</summary>
    Resample,

    /// <summary>Rejected with the budget spent: accept it anyway (<see cref="ExhaustedAction.AcceptLast"/>).</summary>
    AcceptExhausted,

    /// <summary>Rejected with the budget spent: stop without an answer (<see cref="ExhaustedAction.GiveUp"/>).</summary>
    GiveUp,
}

/// <summary>A proposed step: its text, and whether it finishes the solution (states the final answer).</summary>
/// <param name="Text">The step's text (without a "Step n:" label).</param>
/// <param name="IsFinal">True when this step ends the solution.</param>
public sealed record StepProposal(string Text, bool IsFinal);

/// <summary>One decision of the search, as the driver reports it to an observer.</summary>
/// <param name="StepIndex">The position of the proposed step (0 = first).</param>
/// <param name="Attempt">The attempt at this position (0 = first proposal).</param>
/// <param name="Verdict">The critic's verdict.</param>
/// <param name="Decision">What the search did.</param>
/// <param name="Proposal">The proposed step.</param>
public sealed record SearchStepDecision(int StepIndex, int Attempt, CriticVerdict Verdict, SearchDecision Decision, StepProposal Proposal);

/// <summary>The result of one verified chain.</summary>
/// <param name="Steps">The accepted steps.</param>
/// <param name="Answer">The extracted answer of the accepted steps (null when given up or none).</param>
/// <param name="GaveUp">True when the search stopped on an exhausted budget.</param>
/// <param name="SolverCalls">Step proposals made.</param>
/// <param name="CriticCalls">Critic verdicts asked.</param>
/// <param name="Rejections">Proposals the critic rejected (resampled or accepted anyway).</param>
/// <param name="Decisions">Every decision in order.</param>
public sealed record SearchChain(ImmutableArray<string> Steps, string? Answer, bool GaveUp, int SolverCalls, int CriticCalls, int Rejections, ImmutableArray<SearchDecision> Decisions);

/// <summary>The result of critic-guided search over k chains.</summary>
/// <param name="Answer">The answer (the single chain's, or the majority over non-empty answers).</param>
/// <param name="Chains">The chains.</param>
public sealed record SearchResult(string? Answer, ImmutableArray<SearchChain> Chains)
{
    /// <summary>All solver calls.</summary>
    public int SolverCalls => Chains.Sum(c => c.SolverCalls);

    /// <summary>All critic calls.</summary>
    public int CriticCalls => Chains.Sum(c => c.CriticCalls);
}

/// <summary>
/// Critic-guided search (docs/algorithms.md §3.7) as a pure driver: the solver proposes one step at a time, the critic judges it,
/// a rejected step is resampled within the budgets, and k &gt; 1 chains are voted by majority.
/// </summary>
public static class CriticGuidedSearch
{
    /// <summary>The decision for a verdict given the resamples already spent on this step and in the chain.</summary>
    public static SearchDecision Decide(CriticVerdict verdict, int resamplesThisStep, int resamplesTotal, SpcSearchOptions? options = null)
    {
        options ??= SpcSearchOptions.Default;
        var rejected = verdict == CriticVerdict.Incorrect || (verdict == CriticVerdict.Invalid && options.RejectOnInvalidVerdict);
        if (!rejected)
        {
            return SearchDecision.Accept;
        }

        var budgetLeft = resamplesThisStep < options.MaxResamplesPerStep
            && (options.MaxTotalResamples == 0 || resamplesTotal < options.MaxTotalResamples);
        return budgetLeft ? SearchDecision.Resample
            : options.OnExhausted == ExhaustedAction.AcceptLast ? SearchDecision.AcceptExhausted
            : SearchDecision.GiveUp;
    }

    /// <summary>
    /// Runs one verified chain. <paramref name="propose"/> gets the accepted steps and the attempt number at this position
    /// (0 first); <paramref name="judge"/> gets the accepted steps and the proposed step. The synchronous form of
    /// <see cref="RunAsync"/> (same state machine).
    /// </summary>
    public static SearchChain Run(
        Func<IReadOnlyList<string>, int, StepProposal> propose,
        Func<IReadOnlyList<string>, string, CriticVerdict> judge,
        SpcSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(judge);
        // Delegates that complete synchronously make the async driver complete synchronously: no blocking wait happens.
        var run = RunAsync(
            (steps, attempt, _) => Task.FromResult(propose(steps, attempt)),
            (steps, step, _, _) => Task.FromResult(judge(steps, step)),
            options);
        return run.IsCompleted ? run.GetAwaiter().GetResult() : throw new InvalidOperationException("synchronous delegates completed asynchronously");
    }

    /// <summary>
    /// Runs one verified chain with asynchronous agents. <paramref name="propose"/> gets the accepted steps, the attempt
    /// number at this position (0 first) and the token; <paramref name="judge"/> gets the accepted steps, the proposed step
    /// and its attempt number. <paramref name="onDecision"/>, when given, sees every decision with its step index and attempt.
    /// </summary>
    public static async Task<SearchChain> RunAsync(
        Func<IReadOnlyList<string>, int, CancellationToken, Task<StepProposal>> propose,
        Func<IReadOnlyList<string>, string, int, CancellationToken, Task<CriticVerdict>> judge,
        SpcSearchOptions? options = null,
        Action<SearchStepDecision>? onDecision = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(judge);
        options ??= SpcSearchOptions.Default;
        var steps = new List<string>();
        var decisions = ImmutableArray.CreateBuilder<SearchDecision>();
        int solverCalls = 0, criticCalls = 0, rejections = 0, total = 0;
        while (steps.Count < options.MaxSteps)
        {
            for (var attempt = 0; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var proposal = await propose(steps, attempt, cancellationToken);
                solverCalls++;
                var verdict = await judge(steps, proposal.Text, attempt, cancellationToken);
                criticCalls++;
                var decision = Decide(verdict, attempt, total, options);
                decisions.Add(decision);
                onDecision?.Invoke(new SearchStepDecision(steps.Count, attempt, verdict, decision, proposal));
                if (decision != SearchDecision.Accept)
                {
                    rejections++;
                }

                switch (decision)
                {
                    case SearchDecision.Resample:
                        total++;
                        continue;
                    case SearchDecision.GiveUp:
                        return new SearchChain([.. steps], null, true, solverCalls, criticCalls, rejections, decisions.ToImmutable());
                    default:
                        steps.Add(proposal.Text);
                        if (proposal.IsFinal)
                        {
                            return new SearchChain([.. steps], AnswerExtractor.Extract(string.Join("\n", steps)), false, solverCalls, criticCalls, rejections, decisions.ToImmutable());
                        }

                        break;
                }

                break;
            }
        }

        return new SearchChain([.. steps], AnswerExtractor.Extract(string.Join("\n", steps)), false, solverCalls, criticCalls, rejections, decisions.ToImmutable());
    }

    /// <summary>Majority vote over chains' non-empty answers (ties to the first seen); a single chain's answer as is.</summary>
    public static string? Vote(IReadOnlyList<SearchChain> chains, VoteKey key = VoteKey.Raw)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return chains.Count == 1 ? chains[0].Answer : MajorityVote.Select([.. chains.Select(c => c.Answer)], key, dropEmpty: true).Answer;
    }

    /// <summary>
    /// Runs <see cref="SpcSearchOptions.Samples"/> chains (the delegates also get the chain index) and, when k &gt; 1,
    /// majority-votes their non-empty answers (ties to the first seen).
    /// </summary>
    public static SearchResult RunWithVoting(
        Func<int, IReadOnlyList<string>, int, StepProposal> propose,
        Func<int, IReadOnlyList<string>, string, CriticVerdict> judge,
        SpcSearchOptions? options = null,
        VoteKey key = VoteKey.Raw)
    {
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(judge);
        options ??= SpcSearchOptions.Default;
        var chains = Enumerable.Range(0, options.Samples)
            .Select(k => Run((steps, attempt) => propose(k, steps, attempt), (steps, step) => judge(k, steps, step), options))
            .ToImmutableArray();
        return new SearchResult(Vote(chains, key), chains);
    }
}
