using Agents.Contracts.Jobs;
using Agents.Contracts.Runs;
using Agents.Contracts.SelfPlay;
using Agents.Core.Jobs;
using Agents.Core.Simulation;
using Agents.Core.SelfPlay;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>
/// One in-process silo on a <see cref="TestClock"/>, whose outgoing calls pass through <see cref="LostAnswers"/>: a test
/// names a call whose answer is lost on the way back (the callee finished and stored it; the caller never hears).
/// </summary>
public sealed class LostAnswerFixture : IAsyncLifetime
{
    /// <summary>The silo's clock.</summary>
    public TestClock Clock { get; } = new();

    /// <summary>The answers to lose.</summary>
    public LostAnswers Lose { get; } = new();

    /// <summary>The test cluster's client.</summary>
    public IClusterClient Client => Cluster.Client;

    private InProcessTestCluster Cluster { get; set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await AgentsTestCluster.StartAsync(1, _ => ClusterFixture.Settings, Clock,
            host => host.Services.AddSingleton<IOutgoingGrainCallFilter>(Lose));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Loses the answer of one named call: the call runs to its end in the callee, then the caller waits for ever, as when
/// Orleans drops the response message (at-most-once delivery; the whole-cluster restart showed it). The outgoing side
/// of the silo is the only place a test can drop an answer without changing the grains under test.
/// </summary>
public sealed class LostAnswers : IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Method, string Key, TaskCompletionSource Lost)> _armed = [];

    /// <summary>Loses the answer of the next call of <paramref name="method"/> to the grain keyed <paramref name="key"/>; completes once it was lost.</summary>
    public Task Next(string method, string key)
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_armed)
        {
            _armed.Add((method, key, lost));
        }

        return lost.Task;
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        TaskCompletionSource? lost = null;
        lock (_armed)
        {
            var index = _armed.FindIndex(a => a.Method == context.MethodName && a.Key == context.TargetId.Key.ToString());
            if (index >= 0)
            {
                lost = _armed[index].Lost;
                _armed.RemoveAt(index);
            }
        }

        if (lost is not null)
        {
            lost.TrySetResult();
            await _never.Task;
        }
    }
}

/// <summary>
/// A run's or a game's answer lost on the way back: the run or game stored its result, the job or league never hears of
/// it. Calls inside a silo wait 30 minutes, so without asking again the job stays at n−1 of n results and the league
/// with one game in flight (the two states the kill-everything test was found stuck in). The job and the league ask
/// again once <see cref="AnswerPatience.FirstWait"/> passes on the silo's clock, not a millisecond before, and take the
/// stored answer: every result and every game once.
/// </summary>
public sealed class LostAnswerTests(LostAnswerFixture fixture) : IClassFixture<LostAnswerFixture>
{
    // A bound for waiting on events; the clock under test never moves by itself.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Job_RunAnswerLost_AskedAgainOnceThePatiencePassesAndCompletesWithEveryResultOnce()
    {
        const string id = "lost-answer-job";
        var problems = SyntheticProblems.Generate(3, seed: 71).ToArray();
        var lost = fixture.Lose.Next(nameof(IProblemRunGrain.RunPhaseAsync), $"{id}/{problems[1].Id}");
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        await job.CreateAsync(new JobSpec(id, StrategyDefaults.Create(StrategyNames.Cot, seed: 7), Concurrency: 1, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);
        await job.StartAsync();

        // One problem at a time: the second run finished and stored its result, and its answer never reached the job.
        await lost.WaitAsync(Limit);
        var stored = await fixture.Client.GetGrain<IProblemRunGrain>($"{id}/{problems[1].Id}").GetResultAsync();
        Assert.NotNull(stored);

        // A millisecond short of the patience: the job has flushed the first result and still waits for the second.
        fixture.Clock.Advance(AnswerPatience.FirstWait - Millisecond);
        var waiting = await Eventually.UntilAsync(job.GetProgressAsync, p => p.Completed == 1, Limit, "the first result flushed");
        Assert.Equal((1, 1, JobStates.Running), (waiting.Completed, waiting.InFlight, waiting.State));

        // The last millisecond: the job asks the run again, takes its stored answer and runs the third problem.
        fixture.Clock.Advance(Millisecond);
        var done = await Eventually.UntilAsync(job.GetProgressAsync, p => p.State == JobStates.Completed, Limit, "the completed job");
        var results = await job.DrainAsync();
        Assert.Equal((3, 0, 0), (done.Completed, done.Failed, done.InFlight));
        Assert.Equal(problems.Select(p => p.Id).Order(StringComparer.Ordinal), results.Select(r => r.ProblemId).Order(StringComparer.Ordinal));
        var second = results.Single(r => r.ProblemId == problems[1].Id);
        Assert.Equal((stored.Answer, stored.Correct, "ok"), (second.Answer, second.Correct, second.Status));
    }

    [Fact]
    public async Task League_GameAnswerLost_AskedAgainOnceThePatiencePassesAndCompletesWithEveryGameOnce()
    {
        var spec = new LeagueSpec("lost-answer-league", GamesPerRound: 2, Rounds: 1, Concurrency: 1, "", "", "", Seed: 5);
        var first = LeagueGames.GameFor(spec, 1, 0, "", "");
        var lost = fixture.Lose.Next(nameof(IGameGrain.PlayAsync), first.Key);
        var league = fixture.Client.GetGrain<ILeagueGrain>(spec.League);
        await league.StartAsync(spec);

        // The first game finished and stored its record, and its answer never reached the league.
        await lost.WaitAsync(Limit);
        Assert.NotNull(await fixture.Client.GetGrain<IGameGrain>(first.Key).GetResultAsync());

        // A millisecond short of the patience: one game in flight, none recorded.
        fixture.Clock.Advance(AnswerPatience.FirstWait - Millisecond);
        var waiting = await league.GetStatusAsync();
        Assert.Equal((LeagueStates.Running, 1, 0), (waiting.State, waiting.InFlight, waiting.Rounds.Single().Games));

        // The last millisecond: the league asks the game again, records its stored record and plays the round out.
        fixture.Clock.Advance(Millisecond);
        var done = await Eventually.UntilAnsweredAsync(league.GetStatusAsync, s => s.State == LeagueStates.Completed, Limit, "the completed league");
        var keys = new List<string>();
        for (var chunk = 0; ;)
        {
            var page = await league.ExportAsync(1, chunk);
            keys.AddRange(page.Records.Select(g => g.Key));
            chunk = page.NextChunk;
            if (page.Finished)
            {
                break;
            }
        }

        var round = done.Rounds.Single();
        Assert.Equal(2, round.ValidGames);
        Assert.Contains(first.Key, keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(round.Games, keys.Count);
    }
}
