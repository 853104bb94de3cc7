using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;
using Agents.Grains.SelfPlay;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;
using Agents.Testing;

namespace Agents.Grains.Tests;

/// <summary>SPC self-play leagues on the test cluster with the simulated generator, critic and solver.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SelfPlayGrainTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task League_TwoRoundsOfTen_CompletesAndExportsEachGameOnceWithProvenance()
    {
        var league = fixture.Client.GetGrain<ILeagueGrain>("lg-2x10");
        await league.StartAsync(new LeagueSpec("lg-2x10", 10, 2, 4, "", "", "", 11) { Options = ["games_per_problem=2"] });
        var status = await WaitAsync(league, s => s.State == LeagueStates.Completed);

        // The league keeps its options canonical (every key) and plays its games with them.
        Assert.Equal(SpcOptionsText.KeyNames.Count, status.Spec!.Options.Length);
        Assert.Contains("games_per_problem=2", status.Spec.Options);
        Assert.Contains("solution_source=solver", status.Spec.Options);

        Assert.Equal(2, status.Rounds.Length);
        Assert.All(status.Rounds, r =>
        {
            output.WriteLine(r.ToString());
            Assert.True(r.Closed);
            Assert.Equal(10, r.ValidGames);
            Assert.InRange(r.Games, 10, 60);
            Assert.True(r.Calls > 0);
        });

        foreach (var round in new[] { 1, 2 })
        {
            var records = await ExportAllAsync(league, round);
            var summary = status.Rounds.Single(r => r.Round == round);
            Assert.Equal(summary.Games, records.Count);
            Assert.Equal(records.Count, records.Select(r => r.Key).Distinct().Count());
            Assert.Equal(10, records.Count(r => r.Valid));
            Assert.All(records, r =>
            {
                Assert.Equal("lg-2x10", r.League);
                Assert.Equal(round, r.Round);
                Assert.False(string.IsNullOrEmpty(r.PromptHash));
                Assert.StartsWith("synth-", r.ProblemId, StringComparison.Ordinal);
                Assert.True(r.FinishedAt >= r.StartedAt);
                Assert.Equal("solver", r.SolutionSource);
                Assert.InRange(r.SolutionAttempts, 1, 4);
                Assert.Equal(r.SolutionAttempts, r.Turns.Count(t => t.Player == SpcPlayers.Solver));
                if (r.InvalidReason != SpcGame.ReasonNoCorrectSolution)
                {
                    Assert.Contains(r.Turns, t => t.Player == SpcPlayers.Generator);
                }
            });

            // Two games per problem: games 2i and 2i+1 play one problem on one solver-written solution.
            Assert.All(records.GroupBy(r => r.Game / 2), g => Assert.Single(g.Select(r => r.ProblemId).Distinct()));

            // The barrier published exactly the balanced samples and the pairs Core computes from the round's records.
            var expected = SpcDataset.Publish([.. records.Select(SpcRecords.ToCore)], SpcOptionsText.Parse(status.Spec.Options), 11);
            var published = await league.ReadDatasetAsync(round);
            Assert.NotEmpty(published.Samples);
            Assert.Equal(expected.Samples.Select(x => x.ToString()), published.Samples.Select(x => x.ToString()));
            Assert.Equal(expected.Pairs.Select(x => x.ToString()), published.Pairs.Select(x => x.ToString()));
            Assert.Equal((summary.PublishedSamples, summary.PublishedPairs), (published.Samples.Length, published.Pairs.Length));
            foreach (var role in new[] { SpcPlayers.Generator, SpcPlayers.Critic })
            {
                var kept = published.Samples.Where(x => x.Role == role).ToArray();
                var all = SpcDataset.Samples(records.Select(SpcRecords.ToCore)).Where(x => x.Role == role).ToArray();
                output.WriteLine($"round {round} {role}: {kept.Count(x => x.Reward > 0)}+/{kept.Count(x => x.Reward < 0)}- published of {all.Count(x => x.Reward > 0)}+/{all.Count(x => x.Reward < 0)}-");
                if (all.Any(x => x.Reward > 0) && all.Any(x => x.Reward < 0))
                {
                    Assert.Equal(kept.Count(x => x.Reward > 0), kept.Count(x => x.Reward < 0));
                }
            }

            output.WriteLine($"round {round}: {published.Pairs.Length} pairs, {published.Pairs.Count(p => p.Chosen.Role == SpcPlayers.Generator)} generator pairs");
        }
    }

    [Fact]
    public async Task League_BackendFailsForOneGame_RecordsItFailedAfterMaxAttemptsAndStillCloses()
    {
        var spec = new LeagueSpec("lg-fail", 4, 1, 2, "", "", "", 21) { Options = ["max_game_attempts=2"] };
        var doomed = LeagueGames.GameFor(spec, 1, 1, "", "");

        // A real OpenAI-compatible server over the simulated model, whose backend throws on every request about one problem.
        await using var server = await SimServer.StartAsync(new SimServerOptions(), new FailsOnText(SimulatedBackend.Create(), doomed.Question));
        spec = spec with { GeneratorModel = server.ModelSpec, CriticModel = server.ModelSpec, SolverModel = server.ModelSpec };
        var league = fixture.Client.GetGrain<ILeagueGrain>("lg-fail");
        await league.StartAsync(spec);
        var status = await WaitAsync(league, s => s.State == LeagueStates.Completed);

        var round = Assert.Single(status.Rounds);
        output.WriteLine(round.ToString());
        Assert.Equal(LeagueStates.Completed, status.State);
        Assert.Equal((4, 1), (round.ValidGames, round.FailedGames));
        Assert.True(status.Failed >= 2, $"{status.Failed} failed attempts");
        var records = await ExportAllAsync(league, 1);
        var failed = Assert.Single(records, r => r.InvalidReason == SpcGame.ReasonGameFailed);
        Assert.Equal((doomed.Key, doomed.ProblemId, false), (failed.Key, failed.ProblemId, failed.Valid));
        Assert.False(string.IsNullOrEmpty(failed.Error));
        Assert.Empty(failed.Turns);
        Assert.Equal(records.Count, round.Games);
        Assert.DoesNotContain((await league.ReadDatasetAsync(1)).Samples, x => x.GameKey == doomed.Key);

        // Starting again with the same spec resumes; other options are another league.
        await league.StartAsync(spec);
        await Assert.ThrowsAsync<InvalidOperationException>(() => league.StartAsync(spec with { Options = ["max_game_attempts=3"] }));
    }

    [Fact]
    public async Task League_BackendDeadForEveryGame_PausesItselfWithTheLastErrorAndResumes()
    {
        var spec = DeadBackendLeague.Spec("lg-dead", 4, 1, 2, 5, "max_game_attempts=1", "max_consecutive_failed_games=3");
        var league = fixture.Client.GetGrain<ILeagueGrain>("lg-dead");
        await league.StartAsync(spec);
        await WaitAsync(league, s => s.State == LeagueStates.Paused);
        var settled = await WaitAsync(league, s => s.InFlight == 0); // the other game in flight may fail too before the pause lands
        var later = await DriveAsync(league);

        var round = Assert.Single(later.Rounds);
        output.WriteLine(later.PauseReason);
        Assert.Equal(LeagueStates.Paused, later.State);
        Assert.StartsWith("3 games in a row failed after 1 attempt(s) each; last error: ", later.PauseReason, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", later.PauseReason, StringComparison.Ordinal);
        Assert.InRange(round.FailedGames, 3, 4); // the other game in flight may fail too before the pause lands
        Assert.Equal(settled.Rounds[0].FailedGames, round.FailedGames);
        Assert.Equal(0, round.ValidGames);

        await league.ResumeAsync();
        var resumed = await league.GetStatusAsync();
        Assert.Null(resumed.PauseReason);
        Assert.Equal(LeagueStates.Running, resumed.State);
        await league.PauseAsync();
    }

    [Fact]
    public async Task Game_PlayedTwice_ReturnsTheRecordedResult()
    {
        var spec = new GameSpec("lg-game", 1, 0, "synth-0001", "Ann has 3 apples. She buys 2 more. How many apples does she have?", "5",
            ["Ann starts with 3 apples.", "3 + 2 = 5.\nThe answer is \\boxed{5}."], "", "", "", 7);
        var game = fixture.Client.GetGrain<IGameGrain>(spec.Key);
        var first = await game.PlayAsync(spec);
        var again = await game.PlayAsync(spec);

        Assert.Equal(first, again with { Turns = first.Turns });
        Assert.Equal(first.Turns.Select(t => t.ToString()), again.Turns.Select(t => t.ToString()));
        Assert.True(first.Calls > 0);
    }

    [Fact]
    public async Task Game_CriticFails_CheckpointsEarlierCallsAndResumesWithoutRepeatingThem()
    {
        // An unreachable critic: the generator and validation completions finish, then the critic call throws.
        const string deadCritic = DeadBackendLeague.Model;
        var league = new LeagueSpec("lg-resume", 1, 1, 1, "", "", "", 3);
        var resumed = 0;
        for (var index = 0; index < 10 && resumed < 2; index++)
        {
            var failing = LeagueGames.GameFor(league, 1, index, "", deadCritic);
            var game = fixture.Client.GetGrain<IGameGrain>(failing.Key);
            try
            {
                await game.PlayAsync(failing);
                continue; // invalid attack: the critic never played
            }
#pragma warning disable CA1031 // any failure of the dead critic will do
            catch (Exception ex)
#pragma warning restore CA1031
            {
                output.WriteLine($"{failing.Key}: {ex.GetType().Name}");
            }

            var checkpoint = await game.GetCheckpointAsync();
            Assert.Contains("Generator/0", checkpoint);
            Assert.DoesNotContain(checkpoint, k => k.StartsWith("Critic", StringComparison.Ordinal));
            Assert.Null(await game.GetResultAsync());

            // Resume with a live critic and a dead generator and solver: it can only finish if the checkpointed generator
            // and validation calls are reused rather than made again.
            var result = await game.PlayAsync(failing with { CriticModel = "", GeneratorModel = deadCritic, SolverModel = deadCritic });
            var criticCalls = result.Turns.Count(t => t.Player is SpcPlayers.Critic or SpcPlayers.PairedCritic) + result.CriticInvalidOutputs;
            Assert.True(result.Valid);
            Assert.Equal(checkpoint.Length + criticCalls, result.Calls);
            Assert.Empty(await game.GetCheckpointAsync());
            resumed++;
        }

        Assert.True(resumed > 0, "no game of ten had a valid attack");
    }

    [Fact]
    public async Task League_SetModels_AppliesFromTheNextRound()
    {
        var league = fixture.Client.GetGrain<ILeagueGrain>("lg-models");
        await league.StartAsync(new LeagueSpec("lg-models", 10, 2, 1, "", "", "", 9) { Options = ["solution_source=reference"] });
        await league.SetModelsAsync("sim", "sim");
        var done = await WaitAsync(league, s => s.State == LeagueStates.Completed);

        Assert.Equal(("", ""), (done.Rounds[0].GeneratorModel, done.Rounds[0].CriticModel));
        Assert.Equal(("sim", "sim"), (done.Rounds[1].GeneratorModel, done.Rounds[1].CriticModel));
        Assert.All(await ExportAllAsync(league, 1), r => Assert.Equal("", r.GeneratorModel));
        Assert.All(await ExportAllAsync(league, 2), r => Assert.Equal(("sim", "sim", "reference", 0), (r.GeneratorModel, r.CriticModel, r.SolutionSource, r.SolutionAttempts)));
    }

    [Fact]
    public async Task League_Paused_StopsThenResumesToCompletion()
    {
        // One game at a time over 30 valid games: long enough to pause mid-round.
        var league = fixture.Client.GetGrain<ILeagueGrain>("lg-pause");
        await league.StartAsync(new LeagueSpec("lg-pause", 30, 1, 1, "", "", "", 5));
        await league.PauseAsync();
        var paused = await WaitAsync(league, s => s.InFlight == 0);
        Assert.Equal(LeagueStates.Paused, paused.State);
        var still = await DriveAsync(league);
        Assert.Equal(paused.Rounds.Single().Games, still.Rounds.Single().Games);
        Assert.InRange(still.Rounds.Single().ValidGames, 0, 29);

        await league.ResumeAsync();
        var done = await WaitAsync(league, s => s.State == LeagueStates.Completed);
        Assert.Equal(LeagueStates.Completed, done.State);
        Assert.Equal(30, done.Rounds.Single().ValidGames);
    }

    private static async Task<List<GameResult>> ExportAllAsync(ILeagueGrain league, int round)
    {
        var records = new List<GameResult>();
        var chunk = 0;
        while (true)
        {
            var page = await league.ExportAsync(round, chunk);
            records.AddRange(page.Records);
            chunk = page.NextChunk;
            if (page.Finished)
            {
                return records;
            }
        }
    }

    private static Task<LeagueStatus> WaitAsync(ILeagueGrain league, Func<LeagueStatus, bool> done) =>
        Eventually.UntilAsync(league.GetStatusAsync, done, TimeSpan.FromSeconds(90), "league state", TimeSpan.FromMilliseconds(100));

    // What would launch games if anything could: the keep-alive reminder's tick, delivered now, then a status query.
    private static async Task<LeagueStatus> DriveAsync(ILeagueGrain league)
    {
        await league.AsReference<IRemindable>().ReceiveReminder("keep-alive", new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        return await league.GetStatusAsync();
    }
}
