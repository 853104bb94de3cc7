using Agents.Core.Jobs;

namespace Agents.Grains.Jobs;

/// <summary>
/// A job activation's writes, in the order recovery relies on: buffered results to the results grains, then their
/// marks to the chunk grains, then the job's counters to its own state (see <see cref="JobRecovery"/>). The job grain
/// is reentrant and storage etags allow one write at a time, so saves are chained; a failed flush leaves the buffer as
/// it was, so the next save writes it again at the same sequence numbers.
/// </summary>
internal sealed class JobStore(IPersistentState<BatchJobState> state, IGrainFactory grains, string jobId)
{
    /// <summary>How often buffered results are flushed while runs are in flight.</summary>
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);

    private readonly JobResultBuffer _buffer = new();
    private Task _lastWrite = Task.CompletedTask;
    private DateTimeOffset _lastCheckpoint;
    private bool _closed;

    /// <summary>Results stored and counted (readable by sequence number below this).</summary>
    public int Visible { get; private set; } = state.State.ResultCount;

    /// <summary>Marks buffered and not yet flushed.</summary>
    public int Buffered => _buffer.Count;

    /// <summary>Buffers a result or barrier value for the next save.</summary>
    public void Add(JobMark mark) => _buffer.Add(mark);

    /// <summary>Stops all writes (the activation is gone; a later one reruns what was not saved).</summary>
    public void Close() => _closed = true;

    /// <summary>Stops all writes and waits for the one under way (the job is being deleted).</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        try
        {
            await _lastWrite;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Its writer saw the failure; the state is about to be cleared anyway.
        }
    }

    /// <summary>Saves unless the last save was less than <see cref="FlushEvery"/> ago, or always when forced.</summary>
    public async Task CheckpointAsync(bool force)
    {
        var now = DateTimeOffset.UtcNow;
        if (force || now - _lastCheckpoint >= FlushEvery)
        {
            _lastCheckpoint = now;
            await SaveAsync();
        }
    }

    /// <summary>Flushes the buffer and writes the job's state, after any save already under way.</summary>
    public Task SaveAsync() => _lastWrite = SaveAfterAsync(_lastWrite);

    private async Task SaveAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The previous writer saw its own failure; this write stores the newer state anyway.
        }

        if (_closed)
        {
            return;
        }

        await FlushAsync();
        await state.WriteStateAsync();
        Visible = state.State.ResultCount;
    }

    // The job's counters follow in the caller's write of the job state.
    private async Task FlushAsync()
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        var plan = _buffer.Plan(state.State.ResultCount, JobResultsGrain.Size);
        await Task.WhenAll(plan.ResultWrites.Select(w => grains.JobResults(jobId, w.Grain).WriteAsync(w.Offset, w.Results)));
        await Task.WhenAll(plan.ChunkRecords.Select(r => grains.JobChunk(jobId, r.Chunk).RecordAsync(r.Marks)));
        _buffer.Commit(plan);
        var job = state.State;
        job.ResultCount += plan.Results;
        job.Failed += plan.Failed;
        job.Correct += plan.Correct;
        foreach (var (phase, count) in plan.BarrierValues)
        {
            job.BarrierCounts[phase] = job.BarrierCounts.GetValueOrDefault(phase) + count;
        }
    }
}

/// <summary>Addresses of a job's chunk and results grains (key = "{job}/{index}").</summary>
internal static class JobGrainKeys
{
    public static IJobChunkGrain JobChunk(this IGrainFactory grains, string jobId, int index) =>
        grains.GetGrain<IJobChunkGrain>($"{jobId}/{index}");

    public static IJobResultsGrain JobResults(this IGrainFactory grains, string jobId, int index) =>
        grains.GetGrain<IJobResultsGrain>($"{jobId}/{index}");
}
