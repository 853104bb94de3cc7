using Agents.Client;
using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;
using Agents.Grains.SelfPlay;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Agents.Grains.Tests;

/// <summary>Deleting a league removes its state from storage; a running league cannot be deleted.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LeagueDeleteTests(ClusterFixture fixture)
{
    [Fact]
    public async Task League_DeletedAfterCompletion_ReadsAsNeverStartedAndARestartBeginsAtRoundOne()
    {
        var spec = new LeagueSpec("lg-delete", 10, 1, 4, "", "", "", 13);
        var leagues = new LeagueClient(fixture.Client);
        await leagues.StartAsync(spec);
        var done = await WaitAsync(leagues, spec.League, s => s.State == LeagueStates.Completed);
        var game = fixture.Client.GetGrain<IGameGrain>(LeagueGames.GameFor(spec, 1, 0, "", "").Key);
        Assert.Equal(10, done.Rounds.Single().ValidGames);
        Assert.NotNull(await game.GetResultAsync());
        Assert.True(await ExistsAsync<GameChunkState>("spc-chunk", fixture.Client.GetGrain<IGameChunkGrain>("lg-delete/1/0")));

        await leagues.DeleteAsync(spec.League);

        var gone = await leagues.GetStatusAsync(spec.League);
        Assert.Equal((LeagueStates.None, 0), (gone.State, gone.Rounds.Length));
        Assert.Null(await game.GetResultAsync());
        Assert.False(await ExistsAsync<LeagueState>("spc-league", leagues.League(spec.League)));
        Assert.False(await ExistsAsync<GameChunkState>("spc-chunk", fixture.Client.GetGrain<IGameChunkGrain>("lg-delete/1/0")));
        Assert.False(await ExistsAsync<DatasetChunkState>("spc-dataset", fixture.Client.GetGrain<IDatasetChunkGrain>("lg-delete/1/0")));

        // The same name with other settings starts afresh: nothing of the old league is left to conflict with.
        await leagues.StartAsync(spec with { GamesPerRound = 4 });
        var again = await WaitAsync(leagues, spec.League, s => s.State == LeagueStates.Completed);
        var records = await leagues.ReadRecordsAsync(spec.League, 1);
        Assert.Equal(4, again.Rounds.Single().ValidGames);
        Assert.Equal(again.Rounds.Single().Games, records.Count);
        Assert.InRange(records.Count, 4, done.Rounds.Single().Games - 1);
    }

    [Fact]
    public async Task League_Running_IsNotDeleted()
    {
        var spec = new LeagueSpec("lg-delete-running", 30, 1, 1, "", "", "", 7);
        var leagues = new LeagueClient(fixture.Client);
        await leagues.StartAsync(spec);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => leagues.DeleteAsync(spec.League));

        Assert.Contains("is running; pause it first", error.Message, StringComparison.Ordinal);
        await leagues.PauseAsync(spec.League);
        await WaitAsync(leagues, spec.League, s => s.InFlight == 0);
        await leagues.DeleteAsync(spec.League);
        Assert.Equal(LeagueStates.None, (await leagues.GetStatusAsync(spec.League)).State);
    }

    private static Task<LeagueStatus> WaitAsync(LeagueClient leagues, string league, Func<LeagueStatus, bool> done) =>
        Eventually.UntilAsync(() => leagues.GetStatusAsync(league), done, TimeSpan.FromSeconds(90), "league state", TimeSpan.FromMilliseconds(50));

    // Whether storage holds a record of the grain's named state.
    private async Task<bool> ExistsAsync<T>(string stateName, IAddressable grain)
        where T : new()
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Agents);
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        return stored.RecordExists;
    }
}
