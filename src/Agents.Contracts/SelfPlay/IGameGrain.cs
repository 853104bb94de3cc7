namespace Agents.Contracts.SelfPlay;

/// <summary>One SPC game (key = "league/round/index"): every model call is checkpointed, so a game resumes without repeating finished calls.</summary>
[Alias("agents.spc-game")]
public interface IGameGrain : IGrainWithStringKey
{
    /// <summary>Plays the game to its end (or returns the finished record); the spec must match the key.</summary>
    [Alias("play")]
    Task<GameResult> PlayAsync(GameSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The finished record, or null while the game has not finished.</summary>
    [Alias("result")]
    Task<GameResult?> GetResultAsync();

    /// <summary>The keys ("Role/index") of the model calls checkpointed so far (empty once the record is written).</summary>
    [Alias("checkpoint")]
    Task<ImmutableArray<string>> GetCheckpointAsync();

    /// <summary>Removes the game's checkpoint and result (the league being deleted).</summary>
    [Alias("clear")]
    Task ClearAsync();
}

/// <summary>What a game is played on: identity, models and a solution already checked against the gold answer.</summary>
/// <param name="League">League name.</param>
/// <param name="Round">Round (1-based).</param>
/// <param name="Game">Game index within the round.</param>
/// <param name="ProblemId">Problem id.</param>
/// <param name="Question">Problem text.</param>
/// <param name="Gold">Gold answer.</param>
/// <param name="Steps">The correct solution's steps.</param>
/// <param name="GeneratorModel">Generator model spec ("" = role default).</param>
/// <param name="CriticModel">Critic model spec ("" = role default).</param>
/// <param name="SolverModel">Solver model spec ("" = role default).</param>
/// <param name="Seed">The game seed.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-game-spec.v1")]
public sealed record GameSpec(
    [property: Id(0)] string League,
    [property: Id(1)] int Round,
    [property: Id(2)] int Game,
    [property: Id(3)] string ProblemId,
    [property: Id(4)] string Question,
    [property: Id(5)] string Gold,
    [property: Id(6)] ImmutableArray<string> Steps,
    [property: Id(7)] string GeneratorModel,
    [property: Id(8)] string CriticModel,
    [property: Id(9)] string SolverModel,
    [property: Id(10)] long Seed)
{
    /// <summary>The league's SPC options as canonical "key=value" entries (empty = the defaults).</summary>
    [Id(11)]
    public ImmutableArray<string> Options { get; init; } = [];

    /// <summary>"league/round/game", the game grain's key.</summary>
    public string Key => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{League}/{Round}/{Game}");
}

/// <summary>One generator or critic call of a game, as a training row: prompt, response and reward.</summary>
/// <param name="Player">"generator", "critic" or "critic-paired".</param>
/// <param name="System">System message ("" when none).</param>
/// <param name="User">User message.</param>
/// <param name="Response">The model's output.</param>
/// <param name="Reward">+1 / −1, or null when the turn is not a training record.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-game-turn.v1")]
public sealed record GameTurnResult(
    [property: Id(0)] string Player,
    [property: Id(1)] string System,
    [property: Id(2)] string User,
    [property: Id(3)] string Response,
    [property: Id(4)] int? Reward);

/// <summary>The wire form of a finished game's record, with provenance (Core's <c>GameRecord</c>; enums as their names).</summary>
/// <param name="League">League name.</param>
/// <param name="Round">Round.</param>
/// <param name="Game">Game index.</param>
/// <param name="GeneratorModel">Generator model id.</param>
/// <param name="CriticModel">Critic model id.</param>
/// <param name="SolverModel">Solver model id.</param>
/// <param name="ProblemId">Problem id.</param>
/// <param name="Seed">Game seed.</param>
/// <param name="PromptHash">Hash of the prompt templates.</param>
/// <param name="StartedAt">When the game started.</param>
/// <param name="FinishedAt">When the record was written.</param>
/// <param name="StepIndex">The attacked step (−1 when none).</param>
/// <param name="StepJoiner">The joiner of previous steps in prompts.</param>
/// <param name="ErrorType">The named error type, or null.</param>
/// <param name="AttackStatus">How the generator output parsed.</param>
/// <param name="OriginalSuccessRate">r_orig.</param>
/// <param name="SneakySuccessRate">r_sneaky.</param>
/// <param name="Valid">Whether the attack passed validation.</param>
/// <param name="InvalidReason">Why not, or null.</param>
/// <param name="AttackVerdict">The critic's verdict on the modified step.</param>
/// <param name="PairedVerdict">The critic's verdict on the original step.</param>
/// <param name="CriticInvalidOutputs">Critic outputs without a verdict.</param>
/// <param name="Turns">Generator and critic calls with rewards.</param>
/// <param name="Calls">All model calls.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
/// <param name="SolutionSource">"solver" or "reference".</param>
/// <param name="SolutionAttempts">Solver solutions sampled (0 for the reference).</param>
/// <param name="Error">The last failure of a failed game, else null.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-game-result.v1")]
public sealed record GameResult(
    [property: Id(0)] string League,
    [property: Id(1)] int Round,
    [property: Id(2)] int Game,
    [property: Id(3)] string GeneratorModel,
    [property: Id(4)] string CriticModel,
    [property: Id(5)] string SolverModel,
    [property: Id(6)] string ProblemId,
    [property: Id(7)] long Seed,
    [property: Id(8)] string PromptHash,
    [property: Id(9)] DateTimeOffset StartedAt,
    [property: Id(10)] DateTimeOffset FinishedAt,
    [property: Id(11)] int StepIndex,
    [property: Id(12)] string StepJoiner,
    [property: Id(13)] string? ErrorType,
    [property: Id(14)] string AttackStatus,
    [property: Id(15)] double OriginalSuccessRate,
    [property: Id(16)] double SneakySuccessRate,
    [property: Id(17)] bool Valid,
    [property: Id(18)] string? InvalidReason,
    [property: Id(19)] string AttackVerdict,
    [property: Id(20)] string PairedVerdict,
    [property: Id(21)] int CriticInvalidOutputs,
    [property: Id(22)] ImmutableArray<GameTurnResult> Turns,
    [property: Id(23)] int Calls,
    [property: Id(24)] long PromptTokens,
    [property: Id(25)] long CompletionTokens,
    [property: Id(26)] string SolutionSource = "reference",
    [property: Id(27)] int SolutionAttempts = 0,
    [property: Id(28)] string? Error = null)
{
    /// <summary>"league/round/game".</summary>
    public string Key => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{League}/{Round}/{Game}");
}
