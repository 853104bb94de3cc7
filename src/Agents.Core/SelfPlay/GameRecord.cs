using System.Security.Cryptography;
using System.Text;

namespace Agents.Core.SelfPlay;

/// <summary>The seats of a game record's turns.</summary>
public static class SpcPlayers
{
    /// <summary>The sneaky generator.</summary>
    public const string Generator = "generator";

    /// <summary>The critic on the attacked (modified) step.</summary>
    public const string Critic = "critic";

    /// <summary>The critic on the paired original step.</summary>
    public const string PairedCritic = "critic-paired";

    /// <summary>A solver solution sampled for the game (never a training record: its reward is null).</summary>
    public const string Solver = "solver";
}

/// <summary>One model call of a game: who played, the prompt (system may be empty), the response, the parsed outcome and the reward.</summary>
/// <param name="Player">One of <see cref="SpcPlayers"/>.</param>
/// <param name="System">The system message ("" when none).</param>
/// <param name="User">The user message.</param>
/// <param name="Response">The model's output.</param>
/// <param name="Reward">+1 / −1, or null when the turn is not a training record (no contest, discarded, retried).</param>
public sealed record GameTurn(string Player, string System, string User, string Response, int? Reward);

/// <summary>
/// The durable record of one SPC game, with provenance (league, round, game, model ids, prompt hash, seed, timestamps),
/// every prompt and response, the validation result, the verdicts and the rewards. Only strings, numbers and immutable arrays.
/// </summary>
/// <param name="League">League name.</param>
/// <param name="Round">Round number (1-based).</param>
/// <param name="Game">Game index within the round.</param>
/// <param name="GeneratorModel">Model id of the sneaky generator.</param>
/// <param name="CriticModel">Model id of the critic.</param>
/// <param name="SolverModel">Model id of the solver (solutions and validation completions).</param>
/// <param name="ProblemId">The problem played.</param>
/// <param name="Seed">The game's seed (step choice and sampled calls derive from it).</param>
/// <param name="PromptHash">Hash of the prompt templates used (<see cref="SpcHash.Prompts"/>), so template changes show in the records.</param>
/// <param name="StartedAt">When the game started.</param>
/// <param name="FinishedAt">When the record was written.</param>
/// <param name="StepIndex">The attacked step (0-based); −1 when no step could be chosen.</param>
/// <param name="StepJoiner">The joiner between previous steps in the prompts (a blank line by default).</param>
/// <param name="ErrorType">The error type the generator named (null when missing).</param>
/// <param name="AttackStatus">How the generator output parsed.</param>
/// <param name="OriginalSuccessRate">r_orig of the validation.</param>
/// <param name="SneakySuccessRate">r_sneaky of the validation.</param>
/// <param name="Valid">Whether the attack passed validation.</param>
/// <param name="InvalidReason">Why it did not (null when valid).</param>
/// <param name="AttackVerdict">The critic's verdict on the modified step (Invalid when it did not play).</param>
/// <param name="PairedVerdict">The critic's verdict on the original step (Invalid when not judged).</param>
/// <param name="CriticInvalidOutputs">Critic outputs without a valid verdict (retried ones included).</param>
/// <param name="Turns">Every generator and critic call, in order, with its reward.</param>
/// <param name="Calls">All model calls of the game (solver completions included).</param>
/// <param name="PromptTokens">Prompt tokens of all calls.</param>
/// <param name="CompletionTokens">Completion tokens of all calls.</param>
/// <param name="SolutionSource">"solver" or "reference" (<see cref="Spc.SolutionSource"/>, snake case).</param>
/// <param name="SolutionAttempts">Solver solutions sampled before one was correct (or all of them when none was); 0 for the reference.</param>
/// <param name="Error">For a failed game (<see cref="SpcGame.ReasonGameFailed"/>): the last failure, else null.</param>
public sealed record GameRecord(
    string League,
    int Round,
    int Game,
    string GeneratorModel,
    string CriticModel,
    string SolverModel,
    string ProblemId,
    long Seed,
    string PromptHash,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int StepIndex,
    string StepJoiner,
    string? ErrorType,
    AttackParseStatus AttackStatus,
    double OriginalSuccessRate,
    double SneakySuccessRate,
    bool Valid,
    string? InvalidReason,
    CriticVerdict AttackVerdict,
    CriticVerdict PairedVerdict,
    int CriticInvalidOutputs,
    ImmutableArray<GameTurn> Turns,
    int Calls,
    long PromptTokens,
    long CompletionTokens,
    string SolutionSource = "reference",
    int SolutionAttempts = 0,
    string? Error = null)
{
    /// <summary>"league/round/game", the record's identity (and the game grain's key).</summary>
    public string Key => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{League}/{Round}/{Game}");

    /// <summary>The reward of the first turn of a seat, or null.</summary>
    public int? RewardOf(string player) => Turns.FirstOrDefault(t => t.Player == player && t.Reward is not null)?.Reward;
}

/// <summary>Stable hashes for game provenance.</summary>
public static class SpcHash
{
    /// <summary>The first 16 hex digits of the SHA-256 of the texts joined by a unit separator.</summary>
    public static string Prompts(params string[] texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", texts)));
        return Convert.ToHexStringLower(bytes)[..16];
    }
}
