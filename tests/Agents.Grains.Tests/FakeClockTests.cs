using Agents.Contracts.Jobs;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Core.SelfPlay;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>One in-process silo whose clock (its <see cref="TimeProvider"/>) is a <see cref="TestClock"/> the tests advance.</summary>
public sealed class FakeClockFixture : IAsyncLifetime
{
    /// <summary>The silo's clock.</summary>
    public TestClock Clock { get; } = new();

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The test cluster's client.</summary>
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await AgentsTestCluster.StartAsync(1, _ => ClusterFixture.Settings, Clock);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Retries and timer wake-ups of long-running grains follow the silo's clock: nothing waits on the wall clock, and
/// nothing a backoff holds back happens before the test advances the clock past it.
/// </summary>
public sealed class FakeClockTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    // A bound for waiting on events (a timer started, a status reached); the clock under test never moves by itself.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    // A job's driver period (its flush cadence, internal to the grains).
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task League_GameFails_RetriesOnlyOnceTheClockPassesTheBackoff()
    {
        // Nothing listens on port 9: every model call is refused, so every game attempt throws.
        var spec = DeadBackendLeague.Spec("clock-backoff", 1, 1, 1, 7, "max_game_attempts=3", "max_consecutive_failed_games=10");
        var clock = fixture.Clock;
        var league = fixture.Client.GetGrain<ILeagueGrain>(spec.League);
        var first = LeagueFailures.Backoff(1);
        var second = LeagueFailures.Backoff(2);
        var createdBefore = (clock.Created(first), clock.Created(second));

        await league.StartAsync(spec);

        // The first attempt failed and the league waits out its backoff on the silo's clock.
        await clock.WhenCreatedAsync(first, createdBefore.Item1 + 1).WaitAsync(Limit);
        Assert.Equal(1, (await league.GetStatusAsync()).Failed);

        // Short of the backoff by a millisecond: the game is not tried again, however long the test would wait.
        clock.Advance(first - TimeSpan.FromMilliseconds(1));
        var held = await league.GetStatusAsync();
        Assert.Equal((1, 0, LeagueStates.Running), (held.Failed, held.InFlight, held.State)); // no game playing while the backoff holds
        Assert.Equal(createdBefore.Item2, clock.Created(second));

        // The last millisecond: the second attempt runs, fails, and the next (doubled) backoff starts.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await clock.WhenCreatedAsync(second, createdBefore.Item2 + 1).WaitAsync(Limit);
        var retried = await league.GetStatusAsync();
        Assert.Equal((2, LeagueStates.Running), (retried.Failed, retried.State));

        // The third and last attempt after the second backoff: the game is recorded as failed, and the replacement game
        // waits for the third backoff in turn.
        var third = LeagueFailures.Backoff(3);
        var createdThird = clock.Created(third);
        clock.Advance(second);
        await clock.WhenCreatedAsync(third, createdThird + 1).WaitAsync(Limit);
        var givenUp = await league.GetStatusAsync();
        Assert.Equal((3, 1, 0), (givenUp.Failed, givenUp.Rounds.Single().FailedGames, givenUp.Rounds.Single().ValidGames));
    }

    [Fact]
    public async Task Job_ResultsBuffered_AreFlushedWhenTheDriverTimerTicksOnTheClock()
    {
        var problems = SyntheticProblems.Generate(3, seed: 61).ToArray();
        var gate = new HoldGate(promptContains: problems[2].Question);
        gate.Close();
        await using var server = await SimServer.StartAsync(new SimServerOptions(), gate.Wrap(SimulatedBackend.Create()));
        var job = fixture.Client.GetGrain<IBatchJobGrain>("clock-flush");
        await job.CreateAsync(new JobSpec("clock-flush", StrategyDefaults.Create(StrategyNames.Cot, seed: 6, model: server.ModelSpec), Concurrency: 1, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);
        await job.StartAsync();

        // One problem at a time: the third is held at the backend, so the first two have finished and wait in the buffer.
        await gate.Reached.WaitAsync(Limit);
        var buffered = await job.GetProgressAsync();
        Assert.Equal((0, 1, JobStates.Running), (buffered.Completed, buffered.InFlight, buffered.State));

        // The driver's period on the silo's clock: its timer ticks and flushes what is buffered.
        fixture.Clock.Advance(FlushEvery);
        var flushed = await Eventually.UntilAsync(job.GetProgressAsync, p => p.Completed > 0, Limit, "the flushed results");
        Assert.Equal((2, 1), (flushed.Completed, flushed.InFlight));

        // The last problem ends the phase, which saves without waiting for a tick.
        gate.Open();
        var done = await Eventually.UntilAsync(job.GetProgressAsync, p => p.State == JobStates.Completed, Limit, "the completed job");
        Assert.Equal((3, 0), (done.Completed, done.InFlight));
    }
}
