using Agents.Contracts.Instructing;
using Agents.Core.Iort;
using Agents.Inference.Embeddings;

namespace Agents.Grains.Instructing;

/// <summary>A named meta-memory in persistent state; retrieval through <see cref="MetaMemory"/> by a named similarity (ties in insertion order).</summary>
public sealed class MetaMemoryGrain(
    [PersistentState("memory", StorageNames.Agents)] IPersistentState<MetaMemoryState> state,
    SimilarityRegistry similarities) : Grain, IMetaMemoryGrain
{
    public Task<ImmutableArray<MetaExampleRecord>> RetrieveAsync(string question, int k, string similarity)
    {
        var memory = new MetaMemory(
            MetaMemoryPolicy.Snapshot, state.State.Examples.Select(e => new MetaExample(e.Question, e.MetaThought)), similarities.Get(similarity));
        return Task.FromResult<ImmutableArray<MetaExampleRecord>>([.. memory.Retrieve(question, k).Select(e => new MetaExampleRecord(e.Question, e.MetaThought))]);
    }

    public async Task<bool> AppendAsync(MetaExampleRecord example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (state.State.Examples.Contains(example))
        {
            return false;
        }

        state.State.Examples.Add(example);
        await state.WriteStateAsync();
        return true;
    }

    public async Task<int> SeedAsync(ImmutableArray<MetaExampleRecord> examples)
    {
        var added = 0;
        foreach (var example in examples.Where(e => !state.State.Examples.Contains(e)))
        {
            state.State.Examples.Add(example);
            added++;
        }

        if (added > 0)
        {
            await state.WriteStateAsync();
        }

        return added;
    }

    public Task<ImmutableArray<MetaExampleRecord>> GetExamplesAsync() => Task.FromResult(state.State.Examples.ToImmutableArray());
}

/// <summary>A meta-memory's pairs in insertion order.</summary>
[GenerateSerializer, Alias("agents.meta-memory-state.v1")]
public sealed class MetaMemoryState
{
    /// <summary>The pairs.</summary>
    [Id(0)] public List<MetaExampleRecord> Examples { get; set; } = [];
}

/// <summary>The driver's view of a memory grain under a run's policy: retrieval always, appends only when shared-growing.</summary>
internal sealed class MetaMemoryGrainAccess(IMetaMemoryGrain grain, MetaMemoryPolicy policy, string similarity) : IMetaMemoryAccess
{
    public MetaMemoryPolicy Policy => policy;

    public async Task<IReadOnlyList<MetaExample>> RetrieveAsync(string question, int k, CancellationToken cancellationToken) =>
        [.. (await grain.RetrieveAsync(question, k, similarity)).Select(e => new MetaExample(e.Question, e.MetaThought))];

    public async Task<bool> RecordAsync(MetaExample example, CancellationToken cancellationToken) =>
        policy == MetaMemoryPolicy.SharedGrowing && await grain.AppendAsync(new MetaExampleRecord(example.Question, example.MetaThought));
}
