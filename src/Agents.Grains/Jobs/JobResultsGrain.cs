namespace Agents.Grains.Jobs;

/// <summary>
/// A fixed-size run of a batch job's results in completion order (key = "{job}/{n}"): the job's only copy of each
/// result. Written when the job flushes, read when results are paged out; leaves memory soon after.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class JobResultsGrain(
    [PersistentState("job-results", StorageNames.Agents)] IPersistentState<JobResultsState> state) : Grain, IJobResultsGrain
{
    /// <summary>Results per grain: one flush rewrites at most this many.</summary>
    public const int Size = 256;

    public async Task WriteAsync(int offset, ImmutableArray<RunResult> results)
    {
        var stored = state.State.Results;
        if (offset < 0 || offset + results.Length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"cannot write {results.Length} result(s) at {offset} of a chunk of {Size}");
        }

        if (offset > stored.Count)
        {
            // Results are written before the job counts them, so the store holds fewer than the job expects only when it
            // went back behind the job (a restore, or lost last writes): the job must reload and reconcile, not retry.
            throw new Orleans.Storage.InconsistentStateException(
                $"results grain {this.GetPrimaryKeyString()} holds {stored.Count} result(s) but the job writes at {offset}: the store went back behind the job");
        }

        // Entries past the offset were written by a job activation that died before recording them: replace them.
        stored.RemoveRange(offset, stored.Count - offset);
        stored.AddRange(results);
        await state.WriteStateAsync();
        LeaveWhenDone(stored.Count);
    }

    public Task<ImmutableArray<RunResult>> ReadAsync(int offset, int count)
    {
        var stored = state.State.Results;
        var from = Math.Clamp(offset, 0, stored.Count);
        var page = stored.GetRange(from, Math.Clamp(count, 0, stored.Count - from)).ToImmutableArray();
        LeaveWhenDone(from + page.Length);
        return Task.FromResult(page);
    }

    public Task<ImmutableArray<RunResult>> ReadAtAsync(ImmutableArray<int> offsets) =>
        Task.FromResult(offsets.Select(o => state.State.Results[o]).ToImmutableArray());

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    // A full grain is written no more, and a reader that reached its end has what it wanted: leave memory now rather
    // than after the collection age, so a job's resident results stay bounded however many problems it has.
    private void LeaveWhenDone(int reachedIndex)
    {
        if (state.State.Results.Count == Size && reachedIndex >= Size)
        {
            DeactivateOnIdle();
        }
    }
}

/// <summary>A run of results in completion order.</summary>
[GenerateSerializer, Alias("agents.job-results-state.v1")]
public sealed class JobResultsState
{
    /// <summary>The results.</summary>
    [Id(0)] public List<RunResult> Results { get; set; } = [];
}
