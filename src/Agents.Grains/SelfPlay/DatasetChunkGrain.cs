using Agents.Contracts.SelfPlay;

namespace Agents.Grains.SelfPlay;

/// <summary>A bounded chunk of a round's published dataset (key = "league/round/chunk"), written whole at the round barrier.</summary>
public sealed class DatasetChunkGrain(
    [PersistentState("spc-dataset", StorageNames.Agents)] IPersistentState<DatasetChunkState> state) : Grain, IDatasetChunkGrain
{
    public async Task SetAsync(DatasetChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        state.State.Chunk = chunk;
        await state.WriteStateAsync();
    }

    public Task<DatasetChunk> GetAsync() => Task.FromResult(state.State.Chunk ?? new DatasetChunk([], []));

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

/// <summary>A published dataset chunk.</summary>
[GenerateSerializer, Alias("agents.spc-dataset-chunk-state.v1")]
public sealed class DatasetChunkState
{
    /// <summary>The rows, or null before publishing.</summary>
    [Id(0)]
    public DatasetChunk? Chunk { get; set; }
}
