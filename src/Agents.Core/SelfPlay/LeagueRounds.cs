using Agents.Contracts.SelfPlay;

namespace Agents.Core.SelfPlay;

/// <summary>
/// A league round's bookkeeping (docs/algorithms.md §3): which games to launch so that W are in flight without passing G valid games,
/// when the round barrier may close, and what recording a game or a failed attempt does to the round's counters.
/// </summary>
public static class LeagueRounds
{
    /// <summary>Games in flight that no task of this activation plays (a lost activation left them); they resume from their checkpoints.</summary>
    public static int[] Orphaned(ILeagueRound round, Func<int, bool> playing)
    {
        ArgumentNullException.ThrowIfNull(round);
        return [.. round.InFlight.Where(i => !playing(i))];
    }

    /// <summary>
    /// Takes the next game indices (marking them in flight) until <see cref="LeagueSpec.Concurrency"/> games are playing, but
    /// never more than the round's valid games still to come: valid + playing stays at most <see cref="LeagueSpec.GamesPerRound"/>.
    /// </summary>
    public static int[] Launch(ILeagueRound round, LeagueSpec spec, int playing)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(spec);
        var launched = new int[Math.Max(0, Math.Min(spec.Concurrency - playing, spec.GamesPerRound - round.Valid - playing))];
        for (var i = 0; i < launched.Length; i++)
        {
            launched[i] = round.NextGame++;
            round.InFlight.Add(launched[i]);
        }

        return launched;
    }

    /// <summary>The barrier: G valid games recorded, none in flight, not closed yet.</summary>
    public static bool CanClose(ILeagueRound round, LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(spec);
        return round.Valid >= spec.GamesPerRound && round.InFlight.Count == 0 && !round.Closed;
    }

    /// <summary>
    /// Counts game <paramref name="index"/>'s record (its validity and invalid reason) once (a game relaunched after a lost activation may finish twice, but
    /// only the first finish finds it in flight) and returns the league's streak of failed games after it.
    /// </summary>
    public static int Record(ILeagueRound round, int index, bool valid, string? invalidReason, int consecutiveFailedGames)
    {
        ArgumentNullException.ThrowIfNull(round);
        if (!round.InFlight.Remove(index))
        {
            return consecutiveFailedGames;
        }

        round.Games++;
        round.Valid += valid ? 1 : 0;
        var gameFailed = invalidReason == SpcGame.ReasonGameFailed;
        round.FailedGames += gameFailed ? 1 : 0;
        round.Attempts.Remove(index);
        return gameFailed ? consecutiveFailedGames + 1 : 0;
    }

    /// <summary>Counts a failed attempt of game <paramref name="index"/> and returns its failed attempts so far.</summary>
    public static int FailedAttempt(ILeagueRound round, int index)
    {
        ArgumentNullException.ThrowIfNull(round);
        return round.Attempts[index] = round.Attempts.GetValueOrDefault(index) + 1;
    }

    /// <summary>Closes the round with the statistics of its records and the size of the dataset it published.</summary>
    public static void Close(ILeagueRound round, RoundStatistics stats, RoundDataset dataset, int datasetChunks)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(dataset);
        round.DatasetChunks = datasetChunks;
        round.PublishedSamples = dataset.Samples.Length;
        round.PublishedPairs = dataset.Pairs.Length;
        round.Stats = new(round.Round, true, round.GeneratorModel, round.CriticModel, stats.Games, stats.ValidGames, stats.CriticAccuracyAttacked,
            stats.CriticAccuracyOriginal, stats.GeneratorSuccessVsSolver, stats.GeneratorSuccessVsCritic, stats.InvalidAttackRate,
            stats.CriticInvalidOutputs, stats.Calls, stats.PromptTokens, stats.CompletionTokens, stats.FailedGames, stats.NoSolutionGames,
            round.PublishedSamples, round.PublishedPairs);
        round.Closed = true;
    }

    /// <summary>The round's status row: its statistics once closed, else its progress counters.</summary>
    public static RoundSummary Summary(ILeagueRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        return round.Stats ?? new RoundSummary(round.Round, false, round.GeneratorModel, round.CriticModel, round.Games, round.Valid,
            0, 0, 0, 0, 0, 0, 0, 0, 0, round.FailedGames, 0, 0, 0);
    }
}
