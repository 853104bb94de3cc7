namespace Agents.Core.SelfPlay;

/// <summary>How a league lays out its rounds in bounded chunks: game records by game index, the published dataset by row.</summary>
public static class LeaguePaging
{
    /// <summary>Game records per chunk.</summary>
    public const int ChunkSize = 16;

    /// <summary>Published samples (and pairs) per dataset chunk.</summary>
    public const int DatasetChunkSize = 64;

    /// <summary>The chunk that holds game <paramref name="index"/>'s record.</summary>
    public static int ChunkOf(int index) => index / ChunkSize;

    /// <summary>Record chunks of a round that launched <paramref name="games"/> games.</summary>
    public static int Chunks(int games) => (games + ChunkSize - 1) / ChunkSize;

    /// <summary>Dataset chunks a round publishes: enough for its samples and its pairs, at least one (so an empty dataset is written too).</summary>
    public static int DatasetChunks(RoundDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Math.Max(1, (Math.Max(dataset.Samples.Length, dataset.Pairs.Length) + DatasetChunkSize - 1) / DatasetChunkSize);
    }

    /// <summary>The samples and pairs dataset chunk <paramref name="chunk"/> holds.</summary>
    public static (IEnumerable<TrainingSample> Samples, IEnumerable<PreferencePair> Pairs) DatasetSlice(RoundDataset dataset, int chunk)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return (dataset.Samples.Skip(chunk * DatasetChunkSize).Take(DatasetChunkSize), dataset.Pairs.Skip(chunk * DatasetChunkSize).Take(DatasetChunkSize));
    }
}
