using System.Collections.Immutable;
using Agents.Core.Magicore;

namespace Agents.Inference.Rewards;

/// <summary>Which reward models a request asks for.</summary>
[Flags]
public enum RewardParts
{
    /// <summary>The outcome reward model (ORM): one score for the whole chain.</summary>
    Outcome = 1,

    /// <summary>The process reward model (PRM): one score per step; skipped for a chain without an answer.</summary>
    Process = 2,

    /// <summary>Both models, as MAgICoRe scores every new chain.</summary>
    Both = Outcome | Process,
}

/// <summary>One chain to score (docs/algorithms.md §1.4).</summary>
/// <param name="Question">The problem statement.</param>
/// <param name="Chain">The chain as stored (for the solver: "Step 1:" + completion).</param>
/// <param name="Steps">The chain cut into steps (see <see cref="StepSegmentation"/>); the PRM returns one score per step.</param>
/// <param name="HasAnswer">Whether an answer was extracted; without one the PRM is not run and <c>s = 0</c>.</param>
/// <param name="Seed">The seed of stochastic backends (the simulated one, a sampled judge).</param>
/// <param name="Parts">The models to run; <see cref="RewardParts.Process"/> alone serves the annotation of old chains.</param>
public sealed record RewardRequest(
    string Question,
    string Chain,
    IReadOnlyList<string> Steps,
    bool HasAnswer,
    long Seed,
    RewardParts Parts = RewardParts.Both)
{
    /// <summary>Builds a request, segmenting <paramref name="chain"/> as the PRM does (robust or code-faithful).</summary>
    public static RewardRequest For(string question, string chain, string? answer, long seed, bool robustSegmentation = true, RewardParts parts = RewardParts.Both)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(chain);
        return new RewardRequest(question, chain, StepSegmentation.Segment(chain, robustSegmentation), !string.IsNullOrWhiteSpace(answer), seed, parts);
    }

    /// <summary>Whether the PRM runs for this request: it was asked for and the chain has an answer.</summary>
    public bool RunsProcess => Parts.HasFlag(RewardParts.Process) && HasAnswer;

    /// <summary>Whether the ORM runs for this request.</summary>
    public bool RunsOutcome => Parts.HasFlag(RewardParts.Outcome);
}

/// <summary>The reward models' verdict on one chain.</summary>
/// <param name="Outcome">The ORM score <c>o = sigmoid(raw)</c> in (0, 1); 0 when the ORM was not asked for.</param>
/// <param name="StepScores">The PRM's P("+") per step, one per request step; empty when the PRM did not run.</param>
/// <param name="OrmUsage">ORM forward passes (calls) and tokens; a generative judge books its single call here.</param>
/// <param name="PrmUsage">PRM forward passes (calls) and tokens.</param>
/// <param name="Failures">Scores the backend could not produce and replaced by a neutral value (judge parse failures).</param>
public sealed record RewardScores(double Outcome, ImmutableArray<double> StepScores, TokenUsage OrmUsage, TokenUsage PrmUsage, int Failures)
{
    /// <summary>All forward passes and tokens: ORM plus PRM.</summary>
    public TokenUsage Usage => OrmUsage + PrmUsage;

    /// <summary>The chain PRM score <c>s</c>: the product of the step scores, 0 when the PRM did not run.</summary>
    public double Process => ChainScore.Process(StepScores, !StepScores.IsDefaultOrEmpty);

    /// <summary>The chain score <c>c = o + s</c>.</summary>
    public double Combined => Outcome + Process;

    /// <summary>The scored chain of MAgICoRe's pool.</summary>
    public ScoredChain ToScoredChain(string text, string? answer, int round, int index) =>
        ScoredChain.Create(text, answer, Outcome, StepScores.IsDefault ? [] : StepScores, round, index);
}

/// <summary>The chain-score formulas of docs/algorithms.md §1.4.</summary>
public static class ChainScore
{
    /// <summary><c>s</c>: the product of the step scores, or 0 for an answerless chain (PRM not run) or no steps.</summary>
    public static double Process(IReadOnlyList<double> stepScores, bool hasAnswer)
    {
        ArgumentNullException.ThrowIfNull(stepScores);
        if (!hasAnswer || stepScores.Count == 0)
        {
            return 0;
        }

        var product = 1.0;
        foreach (var p in stepScores)
        {
            product *= p;
        }

        return product;
    }

    /// <summary><c>c = o + s</c>.</summary>
    public static double Combined(double outcome, IReadOnlyList<double> stepScores, bool hasAnswer) =>
        outcome + Process(stepScores, hasAnswer);

    /// <summary>The logistic function that turns a raw ORM reward into <c>o</c>.</summary>
    public static double Sigmoid(double raw) => 1.0 / (1.0 + Math.Exp(-raw));
}

/// <summary>An outcome and process reward model behind one interface (docs/algorithms.md §1.4).</summary>
public interface IRewardModel
{
    /// <summary>How many requests <see cref="ScoreManyAsync"/> scores at once by default.</summary>
    const int DefaultParallelism = 8;

    /// <summary>Scores one chain: ORM score and (when the chain has an answer) one PRM score per step.</summary>
    Task<RewardScores> ScoreAsync(RewardRequest request, CancellationToken cancellationToken);

    /// <summary>Scores many chains, results in request order; by default <see cref="DefaultParallelism"/> at a time.</summary>
    Task<IReadOnlyList<RewardScores>> ScoreManyAsync(IReadOnlyList<RewardRequest> requests, CancellationToken cancellationToken) =>
        RewardBatch.ScoreAllAsync(this, requests, DefaultParallelism, cancellationToken);
}

/// <summary>Bounded-parallel scoring of many chains on any <see cref="IRewardModel"/>.</summary>
public static class RewardBatch
{
    /// <summary>Scores <paramref name="requests"/> with at most <paramref name="maxParallelism"/> in flight; results in request order.</summary>
    public static async Task<IReadOnlyList<RewardScores>> ScoreAllAsync(
        IRewardModel model, IReadOnlyList<RewardRequest> requests, int maxParallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelism, 1);
        var results = new RewardScores[requests.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requests.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await model.ScoreAsync(requests[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }
}
