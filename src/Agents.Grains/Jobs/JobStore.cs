using Agents.Core.Jobs;
using Agents.Grains.Driving;

namespace Agents.Grains.Jobs;

/// <summary>
/// A job activation's writes, in the order recovery relies on: buffered results to the results grains, then their
/// marks to the chunk grains, then the job's counters to its own state (see <see cref="JobRecovery"/>). The job grain
/// is reentrant and storage etags allow one write at a time, so saves go through <see cref="SerialWrites"/>; a failed
/// flush leaves the buffer as it was, so the next save writes it again at the same sequence numbers.
/// </summary>
internal sealed partial class JobStore(IPersistentState<BatchJobState> state, IGrainFactory grains, string jobId, TimeProvider time, ILogger logger)
{
    /// <summary>How often the job's driver flushes buffered results while runs are in flight.</summary>
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);

    private readonly JobResultBuffer _buffer = new();
    private readonly SerialWrites _writes = new();

    /// <summary>Results stored and counted (readable by sequence number below this).</summary>
    public int Visible { get; private set; } = state.State.ResultCount;

    /// <summary>Marks buffered and not yet flushed.</summary>
    public int Buffered => _buffer.Count;

    /// <summary>Whether writes were stopped.</summary>
    public bool IsClosed => _writes.IsClosed;

    /// <summary>Buffers a result or barrier value for the next save.</summary>
    public void Add(JobMark mark) => _buffer.Add(mark);

    /// <summary>Stops all writes (the activation is gone, or its state is being reloaded; what was not saved is run again).</summary>
    public void Close() => _writes.Close();

    /// <summary>Stops all writes and waits for the one under way (the job is being deleted).</summary>
    public Task CloseAsync() => _writes.CloseAsync();

    /// <summary>Saves when results are buffered (the driver's periodic flush).</summary>
    public Task FlushAsync() => _buffer.Count > 0 ? SaveAsync() : Task.CompletedTask;

    /// <summary>Flushes the buffer and writes the job's state, after any save already under way.</summary>
    public Task SaveAsync() => _writes.RunAsync(async () =>
    {
        await FlushBufferAsync();
        await state.WriteStateAsync();
        Visible = state.State.ResultCount;
    });

    // The job's counters follow in the caller's write of the job state.
    private async Task FlushBufferAsync()
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        var plan = _buffer.Plan(state.State.ResultCount, JobResultsGrain.Size);
        // Both writes are idempotent (results at fixed offsets, marks at fixed positions), so a lost answer is asked again.
        await Task.WhenAll(plan.ResultWrites.Select(w => AskAsync(() => grains.JobResults(jobId, w.Grain).WriteAsync(w.Offset, w.Results))));
        await Task.WhenAll(plan.ChunkRecords.Select(r => AskAsync(() => grains.JobChunk(jobId, r.Chunk).RecordAsync(r.Marks))));
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

    private Task AskAsync(Func<Task> write) =>
        PatientCalls.AskAsync(write, time, (asks, waited) => LogAskingAgain(logger, jobId, waited.TotalSeconds, asks + 1));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: a results or chunk write was not answered in {Seconds} s; asking again (ask {Ask}; the write is idempotent)")]
    private static partial void LogAskingAgain(ILogger logger, string jobId, double seconds, int ask);
}

/// <summary>Addresses of a job's chunk and results grains (key = "{job}/{index}").</summary>
internal static class JobGrainKeys
{
    public static IJobChunkGrain JobChunk(this IGrainFactory grains, string jobId, int index) =>
        grains.GetGrain<IJobChunkGrain>($"{jobId}/{index}");

    public static IJobResultsGrain JobResults(this IGrainFactory grains, string jobId, int index) =>
        grains.GetGrain<IJobResultsGrain>($"{jobId}/{index}");
}
