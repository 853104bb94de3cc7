using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class LeagueGamesTests
{
    private static readonly LeagueSpec Spec = new("lg", 4, 2, 2, "gen-spec", "critic-spec", "solver", 11) { Options = ["games_per_problem=2"] };

    [Fact]
    public void GameFor_GamesPerProblemTwo_PairsOfGamesShareProblemAndSeed()
    {
        var games = Enumerable.Range(0, 4).Select(i => LeagueGames.GameFor(Spec, 1, i, "g", "c")).ToArray();

        Assert.Equal(["synth-0001", "synth-0001", "synth-0002", "synth-0002"], games.Select(g => g.ProblemId));
        Assert.Equal(games[0].Seed, games[1].Seed);
        Assert.NotEqual(games[0].Seed, games[2].Seed);
        Assert.Equal([0, 1, 2, 3], games.Select(g => g.Game));
        Assert.Equal(games[0].Question, games[1].Question);
    }

    [Fact]
    public void GameFor_LaterRound_PlaysOtherProblemsWithTheRoundsModels()
    {
        var first = LeagueGames.GameFor(Spec, 1, 0, "g1", "c1");
        var second = LeagueGames.GameFor(Spec, 2, 0, "g2", "c2");

        Assert.Equal("synth-100001", second.ProblemId);
        Assert.NotEqual(first.Seed, second.Seed);
        Assert.Equal(("g2", "c2", "solver", 2), (second.GeneratorModel, second.CriticModel, second.SolverModel, second.Round));
    }

    [Fact]
    public void GameFor_Spec_CarriesCanonicalOptionsAndAReferenceSolutionEndingInTheAnswer()
    {
        var game = LeagueGames.GameFor(Spec, 1, 0, "", "");

        Assert.Equal(SpcOptionsText.Canonical(Spec.Options).ToArray(), game.Options.ToArray());
        Assert.NotEmpty(game.Steps);
        Assert.EndsWith($"\\boxed{{{game.Gold}}}.", game.Steps[^1], StringComparison.Ordinal);
        Assert.Equal(Fields(game), Fields(LeagueGames.GameFor(Spec, 1, 0, "", "")));
    }

    [Fact]
    public void GameFor_Round_UsesTheRoundsNumberAndModels()
    {
        var round = new FakeRound();

        Assert.Equal(Fields(LeagueGames.GameFor(Spec, 3, 5, "g3", "c3")), Fields(LeagueGames.GameFor(Spec, round, 5)));
    }

    [Fact]
    public void Canonical_Spec_StoresEveryOptionKeyAndRejectsEmptyRounds()
    {
        var canonical = LeagueSpecs.Canonical(Spec);

        Assert.Equal(SpcOptionsText.KeyNames.Count, canonical.Options.Length);
        Assert.Contains("games_per_problem=2", canonical.Options);
        Assert.Equal(canonical, LeagueSpecs.Canonical(canonical));
        Assert.Throws<ArgumentException>(() => LeagueSpecs.Canonical(Spec with { GamesPerRound = 0 }));
        Assert.Throws<ArgumentException>(() => LeagueSpecs.Canonical(Spec with { Rounds = 0 }));
        Assert.Throws<ArgumentException>(() => LeagueSpecs.Canonical(Spec with { Concurrency = 0 }));
    }

    // GameSpec's arrays compare by reference; its content compares here.
    private static object Fields(GameSpec g) =>
        (g.Key, g.ProblemId, g.Question, g.Gold, string.Join("\n", g.Steps), g.GeneratorModel, g.CriticModel, g.SolverModel, g.Seed, string.Join(",", g.Options));

    private sealed class FakeRound : ILeagueRound
    {
        public int Round => 3;

        public int NextGame { get; set; }

        public HashSet<int> InFlight { get; } = [];

        public int Games { get; set; }

        public int Valid { get; set; }

        public bool Closed { get; set; }

        public RoundSummary? Stats { get; set; }

        public string GeneratorModel => "g3";

        public string CriticModel => "c3";

        public Dictionary<int, int> Attempts { get; } = [];

        public int FailedGames { get; set; }

        public int DatasetChunks { get; set; }

        public int PublishedSamples { get; set; }

        public int PublishedPairs { get; set; }
    }
}
