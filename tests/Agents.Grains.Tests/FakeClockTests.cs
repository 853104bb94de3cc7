using Agents.Contracts.SelfPlay;
using Agents.Core.Spc;
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

    [Fact]
    public async Task League_GameFails_RetriesOnlyOnceTheClockPassesTheBackoff()
    {
        // Nothing listens on port 9: every model call is refused, so every game attempt throws.
        const string dead = "openai:http://127.0.0.1:9/v1#dead";
        var spec = new LeagueSpec("clock-backoff", 1, 1, 1, dead, dead, "", 7)
        {
            SolverModel = dead,
            Options = ["max_game_attempts=3", "max_consecutive_failed_games=10"],
        };
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
}
