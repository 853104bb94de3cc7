using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// A league's chunk grains (key = "league/round/chunk", laid out by <see cref="LeaguePaging"/>): game records appended as games
/// finish and read back whole at the round barrier, the published dataset written there, and both paged out for export.
/// Members must be called on the league grain's scheduler (they await chunk grains and update the round row).
/// </summary>
internal sealed class LeagueChunks(IGrainFactory grains, string league, TimeProvider time, ILogger logger)
{
    /// <summary>Appends game <paramref name="index"/>'s record to its chunk (idempotent by game key).</summary>
    public Task AppendAsync(int round, int index, GameResult result) => Games(round, LeaguePaging.ChunkOf(index)).AppendAsync(result);

    /// <summary>
    /// The round barrier: the published dataset (balanced per player with the league's options, plus preference pairs) is
    /// written to dataset chunks, then the round is closed with the statistics of every record (<see cref="LeagueRounds.Close"/>).
    /// </summary>
    public async Task CloseAsync(RoundState round, SpcOptions options, long seed)
    {
        var records = await ReadAsync(round.Round, round.NextGame);
        var dataset = SpcDataset.Publish(records, options, seed);
        var chunks = await PublishAsync(round.Round, dataset);
        LeagueRounds.Close(round, RoundStatistics.Compute(round.Round, records), dataset, chunks);
    }

    /// <summary>Every record of a round that launched <paramref name="games"/> games, in chunk order.</summary>
    private async Task<List<GameRecord>> ReadAsync(int round, int games)
    {
        var records = new List<GameRecord>();
        for (var chunk = 0; chunk * LeaguePaging.ChunkSize < games; chunk++)
        {
            var source = Games(round, chunk);
            records.AddRange((await AskAsync(round, source.GetAsync)).Select(SpcRecords.ToCore));
        }

        return records;
    }

    /// <summary>Writes a round's published dataset to its dataset chunks and returns how many there are.</summary>
    private async Task<int> PublishAsync(int round, RoundDataset dataset)
    {
        var chunks = LeaguePaging.DatasetChunks(dataset);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var (samples, pairs) = LeaguePaging.DatasetSlice(dataset, chunk);
            var target = Dataset(round, chunk);
            await AskAsync(round, () => target.SetAsync(SpcRecords.ToWire(samples, pairs)));
        }

        return chunks;
    }

    /// <summary>Record chunk <paramref name="fromChunk"/> of a round (null when it never started).</summary>
    public async Task<GamePage> GamePageAsync(int round, RoundState? state, int fromChunk)
    {
        if (state is null)
        {
            return new GamePage([], 0, true);
        }

        var chunks = LeaguePaging.Chunks(state.NextGame);
        if (fromChunk >= chunks)
        {
            return new GamePage([], chunks, true);
        }

        var records = await Games(round, fromChunk).GetAsync();
        return new GamePage(records, fromChunk + 1, fromChunk + 1 >= chunks);
    }

    /// <summary>Dataset chunk <paramref name="fromChunk"/> of a round; empty until the round closed.</summary>
    public async Task<DatasetPage> DatasetPageAsync(int round, RoundState? state, int fromChunk)
    {
        if (state is null || !state.Closed || fromChunk >= state.DatasetChunks)
        {
            return new DatasetPage(new DatasetChunk([], []), Math.Max(fromChunk, state?.DatasetChunks ?? 0), true);
        }

        return new DatasetPage(await Dataset(round, fromChunk).GetAsync(), fromChunk + 1, fromChunk + 1 >= state.DatasetChunks);
    }

    /// <summary>Removes a round's games, record chunks and dataset chunks (the league being deleted).</summary>
    public async Task ClearAsync(LeagueSpec spec, RoundState round)
    {
        // Games in small batches: enough to hide latency, few enough not to flood storage.
        foreach (var batch in Enumerable.Range(0, round.NextGame).Chunk(64))
        {
            await Task.WhenAll(batch.Select(i => grains.GetGrain<IGameGrain>(LeagueGames.GameFor(spec, round, i).Key).ClearAsync()));
        }

        for (var chunk = 0; chunk < LeaguePaging.Chunks(round.NextGame); chunk++)
        {
            await Games(round.Round, chunk).ClearAsync();
        }

        for (var chunk = 0; chunk < round.DatasetChunks; chunk++)
        {
            await Dataset(round.Round, chunk).ClearAsync();
        }
    }

    // The round barrier's reads and writes are idempotent: a lost answer is asked again rather than waited on for the call timeout.
    private Task<T> AskAsync<T>(int round, Func<Task<T>> call) =>
        Driving.PatientCalls.AskAsync(call, time, AskingAgain(round));

    private Task AskAsync(int round, Func<Task> call) =>
        Driving.PatientCalls.AskAsync(call, time, AskingAgain(round));

    private Action<int, TimeSpan> AskingAgain(int round) =>
        (asks, waited) => LeagueLog.AskingAgainAtBarrier(logger, league, round, waited.TotalSeconds, asks + 1);

    private IGameChunkGrain Games(int round, int chunk) => grains.GetGrain<IGameChunkGrain>(Key(round, chunk));

    private IDatasetChunkGrain Dataset(int round, int chunk) => grains.GetGrain<IDatasetChunkGrain>(Key(round, chunk));

    private string Key(int round, int chunk) => string.Create(CultureInfo.InvariantCulture, $"{league}/{round}/{chunk}");
}
