using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class LeagueRoundsTests
{
    private static readonly LeagueSpec Spec = new("lg", GamesPerRound: 10, Rounds: 2, Concurrency: 4, "", "", "", 1);

    [Fact]
    public void Launch_FreshRound_TakesConcurrencyIndicesInOrderAndMarksThemInFlight()
    {
        var round = new FakeRound();

        var launched = LeagueRounds.Launch(round, Spec, playing: 0);

        Assert.Equal([0, 1, 2, 3], launched);
        Assert.Equal(4, round.NextGame);
        Assert.Equal([0, 1, 2, 3], round.InFlight.Order());
    }

    [Theory]
    [InlineData(0, 3, 1)]   // one slot free of W = 4
    [InlineData(7, 1, 2)]   // 7 valid + 1 playing: only 2 more can still be needed for G = 10
    [InlineData(9, 1, 0)]   // valid + playing already reach G
    [InlineData(10, 0, 0)]  // G reached
    [InlineData(12, 0, 0)]  // past G (a relaunched game finished twice): never negative
    [InlineData(0, 6, 0)]   // more playing than W (orphans relaunched): none
    public void Launch_ValidAndPlaying_NeverPassesConcurrencyOrGames(int valid, int playing, int expected)
    {
        var round = new FakeRound { Valid = valid, NextGame = 20 };

        var launched = LeagueRounds.Launch(round, Spec, playing);

        Assert.Equal(Enumerable.Range(20, expected), launched);
        Assert.Equal(20 + expected, round.NextGame);
        Assert.Equal(expected, round.InFlight.Count);
    }

    [Fact]
    public void Orphaned_InFlightGamesNotPlaying_AreTheOnesToRelaunch()
    {
        var round = new FakeRound { InFlight = [1, 2, 5] };

        var orphaned = LeagueRounds.Orphaned(round, i => i == 2);

        Assert.Equal([1, 5], orphaned.Order());
    }

    [Theory]
    [InlineData(10, 0, false, true)]
    [InlineData(11, 0, false, true)]
    [InlineData(9, 0, false, false)]   // not enough valid games
    [InlineData(10, 1, false, false)]  // a game still in flight
    [InlineData(10, 0, true, false)]   // already closed
    public void CanClose_Barrier_NeedsGValidNoneInFlightAndOpen(int valid, int inFlight, bool closed, bool expected)
    {
        var round = new FakeRound { Valid = valid, Closed = closed, InFlight = [.. Enumerable.Range(0, inFlight)] };

        Assert.Equal(expected, LeagueRounds.CanClose(round, Spec));
    }

    [Fact]
    public void Record_SameGameTwice_CountsItOnce()
    {
        var round = new FakeRound { InFlight = [3], Attempts = { [3] = 2 } };

        var streak = LeagueRounds.Record(round, 3, valid: true, invalidReason: null, consecutiveFailedGames: 4);
        var again = LeagueRounds.Record(round, 3, valid: true, invalidReason: null, consecutiveFailedGames: streak);

        Assert.Equal((0, 0), (streak, again));
        Assert.Equal((1, 1, 0), (round.Games, round.Valid, round.FailedGames));
        Assert.Empty(round.InFlight);
        Assert.Empty(round.Attempts);
    }

    [Fact]
    public void Record_FailedGames_GrowTheStreakAndAnyOtherGameResetsIt()
    {
        var round = new FakeRound { InFlight = [0, 1, 2] };

        var first = LeagueRounds.Record(round, 0, false, SpcGame.ReasonGameFailed, 0);
        var second = LeagueRounds.Record(round, 1, false, SpcGame.ReasonGameFailed, first);
        var invalid = LeagueRounds.Record(round, 2, false, SpcGame.ReasonNoDrop, second);

        Assert.Equal((1, 2, 0), (first, second, invalid));
        Assert.Equal((3, 0, 2), (round.Games, round.Valid, round.FailedGames));
    }

    [Fact]
    public void FailedAttempt_Repeated_CountsPerGame()
    {
        var round = new FakeRound();

        Assert.Equal(1, LeagueRounds.FailedAttempt(round, 7));
        Assert.Equal(2, LeagueRounds.FailedAttempt(round, 7));
        Assert.Equal(1, LeagueRounds.FailedAttempt(round, 8));
        Assert.Equal(new Dictionary<int, int> { [7] = 2, [8] = 1 }, round.Attempts);
    }

    [Fact]
    public void Summary_OpenRound_ShowsProgressCounters()
    {
        var round = new FakeRound { Round = 2, GeneratorModel = "g", CriticModel = "c", Games = 5, Valid = 3, FailedGames = 1 };

        var summary = LeagueRounds.Summary(round);

        Assert.Equal(new RoundSummary(2, false, "g", "c", 5, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), summary);
    }

    [Fact]
    public void Close_WithStatisticsAndDataset_ClosesWithTheirSummary()
    {
        var round = new FakeRound { Round = 1, GeneratorModel = "g", CriticModel = "c", Games = 12, Valid = 10 };
        var stats = new RoundStatistics(1, 12, 10, 0.5, 0.75, 0.8, 0.25, 0.2, 3, 40, 4000, 900, FailedGames: 1, NoSolutionGames: 1);
        var sample = new TrainingSample("critic", "Critic", "lg/1/0", "s", "u", "c", 1, "m", "h", 1);
        var dataset = new RoundDataset([sample, sample with { Reward = -1 }, sample], [new PreferencePair(sample, sample with { Reward = -1 })]);

        LeagueRounds.Close(round, stats, dataset, datasetChunks: 1);

        Assert.True(round.Closed);
        Assert.Equal((1, 3, 1), (round.DatasetChunks, round.PublishedSamples, round.PublishedPairs));
        Assert.Equal(new RoundSummary(1, true, "g", "c", 12, 10, 0.5, 0.75, 0.8, 0.25, 0.2, 3, 40, 4000, 900, 1, 1, 3, 1), round.Stats);
        Assert.Same(round.Stats, LeagueRounds.Summary(round));
    }

    private sealed class FakeRound : ILeagueRound
    {
        public int Round { get; init; } = 1;

        public int NextGame { get; set; }

        public HashSet<int> InFlight { get; init; } = [];

        public int Games { get; set; }

        public int Valid { get; set; }

        public bool Closed { get; set; }

        public RoundSummary? Stats { get; set; }

        public string GeneratorModel { get; init; } = string.Empty;

        public string CriticModel { get; init; } = string.Empty;

        public Dictionary<int, int> Attempts { get; } = [];

        public int FailedGames { get; set; }

        public int DatasetChunks { get; set; }

        public int PublishedSamples { get; set; }

        public int PublishedPairs { get; set; }
    }
}
