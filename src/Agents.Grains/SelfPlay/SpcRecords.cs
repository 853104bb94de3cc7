using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

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
            [.. r.Turns.Select(t => new GameTurnResult(t.Player, t.System, t.User, t.Response, t.Reward))], r.Calls, r.PromptTokens, r.CompletionTokens,
            r.SolutionSource, r.SolutionAttempts, r.Error);
    }

    /// <summary>Core's record of a wire result (for statistics and export).</summary>
    public static GameRecord ToCore(GameResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.League, r.Round, r.Game, r.GeneratorModel, r.CriticModel, r.SolverModel, r.ProblemId, r.Seed, r.PromptHash,
            r.StartedAt, r.FinishedAt, r.StepIndex, r.StepJoiner, r.ErrorType, Enum.Parse<AttackParseStatus>(r.AttackStatus), r.OriginalSuccessRate,
            r.SneakySuccessRate, r.Valid, r.InvalidReason, Enum.Parse<CriticVerdict>(r.AttackVerdict), Enum.Parse<CriticVerdict>(r.PairedVerdict),
            r.CriticInvalidOutputs, [.. r.Turns.Select(t => new GameTurn(t.Player, t.System, t.User, t.Response, t.Reward))], r.Calls, r.PromptTokens,
            r.CompletionTokens, r.SolutionSource, r.SolutionAttempts, r.Error);
    }

    /// <summary>Core's setup of a wire game spec.</summary>
    public static GameSetup ToSetup(GameSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec.League, spec.Round, spec.Game, spec.ProblemId, spec.Question, spec.Gold, spec.Steps,
            spec.GeneratorModel, spec.CriticModel, spec.SolverModel, spec.Seed);
    }

    /// <summary>The wire form of a published dataset slice.</summary>
    public static DatasetChunk ToWire(IEnumerable<TrainingSample> samples, IEnumerable<PreferencePair> pairs) =>
        new([.. samples.Select(ToWire)], [.. pairs.Select(p => new PublishedPair(ToWire(p.Chosen), ToWire(p.Rejected), p.Synthesized))]);

    /// <summary>Core's dataset of a wire slice.</summary>
    public static RoundDataset ToCore(DatasetChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return new([.. chunk.Samples.Select(ToCore)], [.. chunk.Pairs.Select(p => new PreferencePair(ToCore(p.Chosen), ToCore(p.Rejected), p.Synthesized))]);
    }

    private static PublishedSample ToWire(TrainingSample s) =>
        new(s.Role, s.Turn, s.GameKey, s.System, s.User, s.Completion, s.Reward, s.Model, s.PromptHash, s.Seed);

    private static TrainingSample ToCore(PublishedSample s) =>
        new(s.Role, s.Turn, s.GameKey, s.System, s.User, s.Completion, s.Reward, s.Model, s.PromptHash, s.Seed);
}
