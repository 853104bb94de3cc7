using Agents.Contracts.SelfPlay;

namespace Agents.Grains.SelfPlay;

/// <summary>A league's durable state: spec, status, current models and one small row per round (records live in chunks).</summary>
[GenerateSerializer, Alias("agents.spc-league-state.v1")]
public sealed class LeagueState
{
    /// <summary>The spec.</summary>
    [Id(0)]
    public LeagueSpec? Spec { get; set; }

    /// <summary>One of <see cref="LeagueStates"/>.</summary>
    [Id(1)]
    public string Status { get; set; } = LeagueStates.None;

    /// <summary>The current round.</summary>
    [Id(2)]
    public int Round { get; set; }

    /// <summary>Generator model for rounds not yet started.</summary>
    [Id(3)]
    public string GeneratorModel { get; set; } = string.Empty;

    /// <summary>Critic model for rounds not yet started.</summary>
    [Id(4)]
    public string CriticModel { get; set; } = string.Empty;

    /// <summary>Rounds by number.</summary>
    [Id(5)]
    public Dictionary<int, RoundState> Rounds { get; set; } = [];

    /// <summary>Game attempts that threw.</summary>
    [Id(6)]
    public int Failed { get; set; }

    /// <summary>Games recorded as failed since the last game that was not.</summary>
    [Id(7)]
    public int ConsecutiveFailedGames { get; set; }

    /// <summary>Why the league paused itself; null when running or paused by the user.</summary>
    [Id(8)]
    public string? PauseReason { get; set; }
}

/// <summary>One round's progress.</summary>
[GenerateSerializer, Alias("agents.spc-round-state.v1")]
public sealed class RoundState
{
    /// <summary>The round.</summary>
    [Id(0)]
    public int Round { get; set; }

    /// <summary>The next game index to launch.</summary>
    [Id(1)]
    public int NextGame { get; set; }

    /// <summary>Games launched and not yet recorded.</summary>
    [Id(2)]
    public HashSet<int> InFlight { get; set; } = [];

    /// <summary>Games recorded.</summary>
    [Id(3)]
    public int Games { get; set; }

    /// <summary>Valid games recorded.</summary>
    [Id(4)]
    public int Valid { get; set; }

    /// <summary>Whether the round closed.</summary>
    [Id(5)]
    public bool Closed { get; set; }

    /// <summary>The round's statistics once closed.</summary>
    [Id(6)]
    public RoundSummary? Stats { get; set; }

    /// <summary>Generator model of the round.</summary>
    [Id(7)]
    public string GeneratorModel { get; set; } = string.Empty;

    /// <summary>Critic model of the round.</summary>
    [Id(8)]
    public string CriticModel { get; set; } = string.Empty;

    /// <summary>Failed attempts of games in flight, by game index.</summary>
    [Id(9)]
    public Dictionary<int, int> Attempts { get; set; } = [];

    /// <summary>Games recorded as failed after their last attempt.</summary>
    [Id(10)]
    public int FailedGames { get; set; }

    /// <summary>Dataset chunks published at the barrier.</summary>
    [Id(11)]
    public int DatasetChunks { get; set; }

    /// <summary>Samples in the published dataset.</summary>
    [Id(12)]
    public int PublishedSamples { get; set; }

    /// <summary>Preference pairs in the published dataset.</summary>
    [Id(13)]
    public int PublishedPairs { get; set; }
}
