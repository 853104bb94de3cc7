using Agents.Contracts.Instructing;
using Agents.Core.Instructing;
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

    public async Task SubmitAsync(string scope, int index, MetaExampleRecord? example)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var submitted = Submitted(scope);
        if (submitted.ContainsKey(index))
        {
            return;
        }

        submitted[index] = example ?? NoPair;
        await state.WriteStateAsync();
        _barriers.Release(scope, Contiguous(submitted));
    }

    public async Task<bool> AwaitSubmittedAsync(string scope, int before, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (Contiguous(Submitted(scope)) >= before)
        {
            return true;
        }

        try
        {
            await _barriers.WaitAsync(scope, before).WaitAsync(maxWait > MaxWait ? MaxWait : maxWait);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task<ImmutableArray<MetaExampleRecord>> RetrieveBeforeAsync(string question, int k, string similarity, string scope, int before)
    {
        var grown = Submitted(scope).Where(p => p.Key < before && p.Value != NoPair).OrderBy(p => p.Key).Select(p => p.Value);
        var memory = new MetaMemory(
            MetaMemoryPolicy.Snapshot,
            state.State.Examples.Concat(grown).Select(e => new MetaExample(e.Question, e.MetaThought)),
            similarities.Get(similarity));
        return Task.FromResult<ImmutableArray<MetaExampleRecord>>([.. memory.Retrieve(question, k).Select(e => new MetaExampleRecord(e.Question, e.MetaThought))]);
    }

    // "Adds no pair", stored as a pair no retrieval returns.
    private static readonly MetaExampleRecord NoPair = new(string.Empty, string.Empty);

    // A waiter's one call is bounded well inside Orleans' response timeout; it asks again.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private readonly WaveBarriers _barriers = new();

    private Dictionary<int, MetaExampleRecord> Submitted(string scope) =>
        state.State.Grown.TryGetValue(scope, out var submitted) ? submitted : state.State.Grown[scope] = [];

    // How many input positions from 0 have all submitted.
    private static int Contiguous(Dictionary<int, MetaExampleRecord> submitted)
    {
        var count = 0;
        while (submitted.ContainsKey(count))
        {
            count++;
        }

        return count;
    }
}

/// <summary>Waiters for "every position before n has submitted", per scope; released as the contiguous count grows.</summary>
internal sealed class WaveBarriers
{
    private readonly Dictionary<(string Scope, int Before), TaskCompletionSource> _waiters = [];

    public Task WaitAsync(string scope, int before)
    {
        if (!_waiters.TryGetValue((scope, before), out var waiter))
        {
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[(scope, before)] = waiter;
        }

        return waiter.Task;
    }

    public void Release(string scope, int contiguous)
    {
        foreach (var key in _waiters.Keys.Where(k => k.Scope == scope && k.Before <= contiguous).ToList())
        {
            _waiters.Remove(key, out var waiter);
            waiter!.TrySetResult();
        }
    }
}

/// <summary>A meta-memory's pairs in insertion order.</summary>
[GenerateSerializer, Alias("agents.meta-memory-state.v1")]
public sealed class MetaMemoryState
{
    /// <summary>The pairs.</summary>
    [Id(0)] public List<MetaExampleRecord> Examples { get; set; } = [];

    /// <summary>Shared-growing submissions per scope (job): input position → the pair it adds (empty strings = none).</summary>
    [Id(1)] public Dictionary<string, Dictionary<int, MetaExampleRecord>> Grown { get; set; } = [];
}

/// <summary>
/// The driver's view of a memory grain under a run's policy: retrieval always, additions only when shared-growing. A
/// shared-growing run inside a job (<paramref name="index"/> ≥ 0) works in waves of <paramref name="wave"/> input positions:
/// it waits until every earlier wave has submitted, sees the seed and their pairs in input order, and submits its own
/// pair (or none) by position, so what any problem sees does not depend on completion order (docs/iort.md).
/// </summary>
internal sealed class MetaMemoryGrainAccess(
    IMetaMemoryGrain grain, MetaMemoryPolicy policy, string similarity, string scope = "", int index = -1, int wave = IortRunOptions.DefaultWave) : IMetaMemoryAccess
{
    private static readonly TimeSpan WaitPerCall = TimeSpan.FromSeconds(15);
    private bool _submitted;

    public MetaMemoryPolicy Policy => policy;

    /// <summary>What the last retrieval returned (recorded with the run).</summary>
    public IReadOnlyList<MetaExample> Retrieved { get; private set; } = [];

    private bool Ordered => policy == MetaMemoryPolicy.SharedGrowing && index >= 0;

    public async Task<IReadOnlyList<MetaExample>> RetrieveAsync(string question, int k, CancellationToken cancellationToken)
    {
        if (!Ordered)
        {
            return Retrieved = [.. (await grain.RetrieveAsync(question, k, similarity)).Select(e => new MetaExample(e.Question, e.MetaThought))];
        }

        var before = index / wave * wave;
        while (!await grain.AwaitSubmittedAsync(scope, before, WaitPerCall))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Retrieved = [.. (await grain.RetrieveBeforeAsync(question, k, similarity, scope, before)).Select(e => new MetaExample(e.Question, e.MetaThought))];
    }

    public async Task<bool> RecordAsync(MetaExample example, CancellationToken cancellationToken)
    {
        if (!Ordered)
        {
            return policy == MetaMemoryPolicy.SharedGrowing && await grain.AppendAsync(new MetaExampleRecord(example.Question, example.MetaThought));
        }

        _submitted = true;
        await grain.SubmitAsync(scope, index, new MetaExampleRecord(example.Question, example.MetaThought));
        return true;
    }

    public async Task SkipAsync(CancellationToken cancellationToken)
    {
        if (Ordered && !_submitted)
        {
            _submitted = true;
            await grain.SubmitAsync(scope, index, null);
        }
    }
}
