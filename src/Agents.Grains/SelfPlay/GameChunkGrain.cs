using Agents.Contracts.SelfPlay;

namespace Agents.Grains.SelfPlay;

/// <summary>A bounded chunk of a round's records (key = "league/round/chunk"); appends are idempotent by game key.</summary>
public sealed class GameChunkGrain(
    [PersistentState("spc-chunk", StorageNames.Agents)] IPersistentState<GameChunkState> state) : Grain, IGameChunkGrain
{
    public async Task AppendAsync(GameResult record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!state.State.Records.Any(r => r.Key == record.Key))
        {
            state.State.Records.Add(record);
        }

        // A repeated append (a game relaunched after a restart) is written too: the league counts the game once this
        // returns, so the record must be in the store, not only in this activation's memory. After the store went back
        // the write conflicts, Orleans replaces this activation, and the league's next append lands in what the store has.
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<GameResult>> GetAsync() =>
        Task.FromResult(state.State.Records.OrderBy(r => r.Game).ToImmutableArray());

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

/// <summary>A chunk's records.</summary>
[GenerateSerializer, Alias("agents.spc-chunk-state.v1")]
public sealed class GameChunkState
{
    /// <summary>The records, in append order.</summary>
    [Id(0)]
    public List<GameResult> Records { get; set; } = [];
}
