using Agents.Contracts.SelfPlay;

namespace Agents.Core.SelfPlay;

/// <summary>One round's row of a league, as <see cref="LeagueRounds"/> reads and updates it (the league grain persists it).</summary>
public interface ILeagueRound
{
    /// <summary>The round.</summary>
    int Round { get; }

    /// <summary>The next game index to launch.</summary>
    int NextGame { get; set; }

    /// <summary>Games launched and not yet recorded.</summary>
    HashSet<int> InFlight { get; }

    /// <summary>Games recorded.</summary>
    int Games { get; set; }

    /// <summary>Valid games recorded.</summary>
    int Valid { get; set; }

    /// <summary>Whether the round closed.</summary>
    bool Closed { get; set; }

    /// <summary>The round's statistics once closed.</summary>
    RoundSummary? Stats { get; set; }

    /// <summary>Generator model of the round.</summary>
    string GeneratorModel { get; }

    /// <summary>Critic model of the round.</summary>
    string CriticModel { get; }

    /// <summary>Failed attempts of games in flight, by game index.</summary>
    Dictionary<int, int> Attempts { get; }

    /// <summary>Games recorded as failed after their last attempt.</summary>
    int FailedGames { get; set; }

    /// <summary>Dataset chunks published at the barrier.</summary>
    int DatasetChunks { get; set; }

    /// <summary>Samples in the published dataset.</summary>
    int PublishedSamples { get; set; }

    /// <summary>Preference pairs in the published dataset.</summary>
    int PublishedPairs { get; set; }
}
