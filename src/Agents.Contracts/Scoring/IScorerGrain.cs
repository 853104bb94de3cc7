namespace Agents.Contracts.Scoring;

/// <summary>The reward-model agent: an outcome score per chain and a process score per step.</summary>
[Alias("agents.scorer")]
public interface IScorerGrain : IGrainWithIntegerKey
{
    /// <summary>Scores chains with the ORM and (for chains with an answer) the PRM.</summary>
    [Alias("score")]
    Task<ScoreResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One chain to score.</summary>
/// <param name="Text">The chain.</param>
/// <param name="Steps">Its steps as the PRM segments them.</param>
/// <param name="HasAnswer">False skips the PRM (s = 0).</param>
/// <param name="Seed">Seed for simulated or sampled scorers.</param>
[GenerateSerializer, Immutable, Alias("agents.chain-to-score.v1")]
public sealed record ChainToScore(
    [property: Id(0)] string Text,
    [property: Id(1)] ImmutableArray<string> Steps,
    [property: Id(2)] bool HasAnswer,
    [property: Id(3)] long Seed);

/// <summary>Score a batch of chains of one problem.</summary>
/// <param name="Question">The problem.</param>
/// <param name="Chains">The chains.</param>
/// <param name="Reward">Reward model spec; empty = the silo's default.</param>
/// <param name="ProcessScores">Whether to run the PRM (best-of-k needs only the ORM).</param>
/// <param name="OutcomeScores">Whether to run the ORM (annotating old chains needs only the PRM).</param>
[GenerateSerializer, Immutable, Alias("agents.score-request.v1")]
public sealed record ScoreRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<ChainToScore> Chains,
    [property: Id(2)] string Reward,
    [property: Id(3)] bool ProcessScores,
    [property: Id(4)] bool OutcomeScores);

/// <summary>Scores of one chain.</summary>
/// <param name="Outcome">ORM score o in (0, 1).</param>
/// <param name="StepScores">PRM score per step (empty when the PRM was skipped).</param>
[GenerateSerializer, Immutable, Alias("agents.chain-scores.v1")]
public sealed record ChainScores(
    [property: Id(0)] double Outcome,
    [property: Id(1)] ImmutableArray<double> StepScores);

/// <summary>Scores of a batch, with the ORM and PRM passes counted separately.</summary>
/// <param name="Scores">One entry per requested chain, in order.</param>
/// <param name="Orm">ORM passes and tokens.</param>
/// <param name="Prm">PRM passes and tokens.</param>
/// <param name="Failures">Unparsable scorer outputs (judge backends).</param>
[GenerateSerializer, Immutable, Alias("agents.score-result.v1")]
public sealed record ScoreResult(
    [property: Id(0)] ImmutableArray<ChainScores> Scores,
    [property: Id(1)] Solving.TokenUsage Orm,
    [property: Id(2)] Solving.TokenUsage Prm,
    [property: Id(3)] int Failures);
