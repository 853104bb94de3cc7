using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

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

    /// <summary>Starts a new league on round 1, played with the spec's models.</summary>
    public void Begin(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Status = LeagueStates.Running;
        GeneratorModel = spec.GeneratorModel;
        CriticModel = spec.CriticModel;
        StartRound(1);
    }

    /// <summary>Points rounds not yet started at new models (empty keeps the current one).</summary>
    public void SetModels(string generatorModel, string criticModel)
    {
        GeneratorModel = string.IsNullOrEmpty(generatorModel) ? GeneratorModel : generatorModel;
        CriticModel = string.IsNullOrEmpty(criticModel) ? CriticModel : criticModel;
    }

    /// <summary>Pauses a running league, with <paramref name="reason"/> when it pauses itself; false when it was not running.</summary>
    public bool Pause(string? reason = null)
    {
        if (Status is not LeagueStates.Running)
        {
            return false;
        }

        Status = LeagueStates.Paused;
        if (reason is not null)
        {
            PauseReason = reason;
        }

        return true;
    }

    /// <summary>Resumes a paused league with a fresh failure streak; false when it was not paused.</summary>
    public bool Resume()
    {
        if (Status is not LeagueStates.Paused)
        {
            return false;
        }

        Status = LeagueStates.Running;
        PauseReason = null;
        ConsecutiveFailedGames = 0;
        return true;
    }

    /// <summary>Moves on from closed round <paramref name="round"/>: completes the league after its last round (true), else starts the next.</summary>
    public bool Advance(int round, int rounds)
    {
        if (round >= rounds)
        {
            Status = LeagueStates.Completed;
            Round = round + 1;
            return true;
        }

        StartRound(round + 1);
        return false;
    }

    /// <summary>The league's status with <paramref name="inFlight"/> games playing now.</summary>
    public LeagueStatus ToStatus(string league, int inFlight) =>
        new(league, Spec is null ? LeagueStates.None : Status, Round, inFlight, Failed, Spec,
            [.. Rounds.Values.OrderBy(r => r.Round).Select(LeagueRounds.Summary)], PauseReason);

    // A new round takes the models current when it starts (set-models applies from the next round on).
    private void StartRound(int round)
    {
        Round = round;
        Rounds[round] = new RoundState { Round = round, GeneratorModel = GeneratorModel, CriticModel = CriticModel };
    }
}

/// <summary>One round's progress (kept by <see cref="LeagueRounds"/>).</summary>
[GenerateSerializer, Alias("agents.spc-round-state.v1")]
public sealed class RoundState : ILeagueRound
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
