using Agents.Contracts.SelfPlay;
using Agents.Core.Spc;

namespace Agents.Grains.SelfPlay;

/// <summary>Conversions between Core's <see cref="GameRecord"/> and the wire <see cref="GameResult"/>.</summary>
public static class SpcRecords
{
    /// <summary>The wire form of a record.</summary>
    public static GameResult ToWire(GameRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.League, r.Round, r.Game, r.GeneratorModel, r.CriticModel, r.SolverModel, r.ProblemId, r.Seed, r.PromptHash,
            r.StartedAt, r.FinishedAt, r.StepIndex, r.StepJoiner, r.ErrorType, r.AttackStatus.ToString(), r.OriginalSuccessRate,
            r.SneakySuccessRate, r.Valid, r.InvalidReason, r.AttackVerdict.ToString(), r.PairedVerdict.ToString(), r.CriticInvalidOutputs,
            [.. r.Turns.Select(t => new GameTurnResult(t.Player, t.System, t.User, t.Response, t.Reward))], r.Calls, r.PromptTokens, r.CompletionTokens);
    }

    /// <summary>Core's record of a wire result (for statistics and export).</summary>
    public static GameRecord ToCore(GameResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.League, r.Round, r.Game, r.GeneratorModel, r.CriticModel, r.SolverModel, r.ProblemId, r.Seed, r.PromptHash,
            r.StartedAt, r.FinishedAt, r.StepIndex, r.StepJoiner, r.ErrorType, Enum.Parse<AttackParseStatus>(r.AttackStatus), r.OriginalSuccessRate,
            r.SneakySuccessRate, r.Valid, r.InvalidReason, Enum.Parse<CriticVerdict>(r.AttackVerdict), Enum.Parse<CriticVerdict>(r.PairedVerdict),
            r.CriticInvalidOutputs, [.. r.Turns.Select(t => new GameTurn(t.Player, t.System, t.User, t.Response, t.Reward))], r.Calls, r.PromptTokens,
            r.CompletionTokens);
    }
}
