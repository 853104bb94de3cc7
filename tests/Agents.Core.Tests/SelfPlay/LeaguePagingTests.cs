using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class LeaguePagingTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(16, 1)]
    [InlineData(17, 2)]
    [InlineData(48, 3)]
    public void Chunks_GamesLaunched_CoverEveryIndex(int games, int chunks)
    {
        Assert.Equal(chunks, LeaguePaging.Chunks(games));

        // Read back chunk by chunk, the chunks hold exactly the games 0..games-1, each once, in order; no chunk is empty.
        var byChunk = Enumerable.Range(0, chunks).Select(c => Enumerable.Range(0, games).Where(i => LeaguePaging.ChunkOf(i) == c).ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, games), byChunk.SelectMany(c => c));
        Assert.All(byChunk, c => Assert.NotEmpty(c));
    }

    [Fact]
    public void ChunkOf_Index_SixteenPerChunk() =>
        Assert.Equal([0, 0, 1, 1, 2], new[] { 0, 15, 16, 31, 32 }.Select(LeaguePaging.ChunkOf));

    [Theory]
    [InlineData(0, 0, 1)]     // an empty dataset still writes one (empty) chunk
    [InlineData(64, 10, 1)]
    [InlineData(65, 0, 2)]
    [InlineData(3, 129, 3)]   // the longer of samples and pairs decides
    public void DatasetChunks_SamplesAndPairs_AtLeastOne(int samples, int pairs, int chunks) =>
        Assert.Equal(chunks, LeaguePaging.DatasetChunks(Dataset(samples, pairs)));

    [Fact]
    public void DatasetSlice_EveryChunk_PartitionsSamplesAndPairsInOrder()
    {
        var dataset = Dataset(130, 70);
        var slices = Enumerable.Range(0, LeaguePaging.DatasetChunks(dataset)).Select(c => LeaguePaging.DatasetSlice(dataset, c)).ToArray();

        Assert.Equal([64, 64, 2], slices.Select(s => s.Samples.Count()));
        Assert.Equal([64, 6, 0], slices.Select(s => s.Pairs.Count()));
        Assert.Equal(dataset.Samples, slices.SelectMany(s => s.Samples));
        Assert.Equal(dataset.Pairs, slices.SelectMany(s => s.Pairs));
    }

    private static RoundDataset Dataset(int samples, int pairs)
    {
        var rows = Enumerable.Range(0, Math.Max(samples, pairs))
            .Select(i => new TrainingSample("critic", "Critic", $"lg/1/{i}", "s", "u", "c", 1, "m", "h", i)).ToArray();
        return new([.. rows.Take(samples)], [.. rows.Take(pairs).Select(r => new PreferencePair(r, r with { Reward = -1 }))]);
    }
}
