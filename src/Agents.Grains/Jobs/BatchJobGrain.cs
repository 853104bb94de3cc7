using Agents.Core.Jobs;
using Agents.Grains.Driving;
using Agents.Grains.Runs;
using Agents.Inference;
using Microsoft.Extensions.Options;

namespace Agents.Grains.Jobs;

/// <summary>
/// A batch of problems: keeps at most <see cref="JobSpec.Concurrency"/> runs in flight, retries a failed run up to
/// <see cref="JobSpec.MaxAttempts"/> times, records each result exactly once and pages results out. Multi-phase
/// strategies (MAgICoRe) run phase by phase over the whole batch: between phases the job computes the dataset
/// statistics (μ, σ) the next phase classifies with (the dataset barrier). The job's own state is small (spec, status,
/// phase, counters, chunk sizes); problems and marks live in <see cref="JobChunkGrain"/>s, results in completion order
/// in <see cref="JobResultsGrain"/>s, written by <see cref="JobStore"/>; <see cref="JobPump"/> runs the problems and a
/// <see cref="GrainDriver"/> drives it (timer: start, restart after a fault, flush every 250 ms, reload after a store
/// rollback; reminder: back after the job's silo is lost). Reentrant so progress and result queries, which only read,
/// are answered while runs are in flight.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("job", StorageNames.Agents)] IPersistentState<BatchJobState> state,
    [PersistentState("job-rejected", StorageNames.Agents)] IPersistentState<JobRejectedState> rejected,
    ModelAllowList models,
    TimeProvider time,
    IOptions<RetentionOptions> retention,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable, IDrivenWork
{
    /// <summary>Rejected rows whose reasons the job keeps (all are counted).</summary>
    public const int MaxRejectedKept = 1000;

    private const string KeepAlive = "pump";

    private JobStore? _store;
    private JobPump? _pump;
    private GrainDriver? _driver;

    private string JobId => this.GetPrimaryKeyString();

    // Created on first use, after the state is loaded (grain context members are not available to field initializers).
    private JobStore Store => _store ??= new(state, GrainFactory, JobId, time, logger);

    private JobPump Pump => _pump ??= new(state, Store, GrainFactory, JobId, time, logger);

    private GrainDriver Driver => _driver ??= new(this, this, KeepAlive, JobStore.FlushEvery, time, logger, $"job {JobId}");

    bool IDrivenWork.ShouldRun => (state.State.Status is JobStates.Running && state.State.Spec is not null) || StepsDue;

    DateTimeOffset? IDrivenWork.WakeAt => state.State.IsFinished && !state.State.StepsDropped
        ? (state.State.FinishedAt ?? time.GetUtcNow()) + retention.Value.RunSteps
        : null;

    // A finished job whose results were exported, or whose retention age passed: its runs drop their memoized steps.
    private bool StepsDue => state.State.IsFinished && !state.State.StepsDropped
        && JobRetention.StepsDue(state.State.FinishedAt, state.State.Exported, time.GetUtcNow(), retention.Value.RunSteps);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A running job goes on wherever it is activated (after its silo was lost, or the whole cluster restarted).
        Driver.Wake();
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task CreateAsync(JobSpec spec)
    {
        // The grain is the authority on what runs: ranges and sizes, then the models the cluster lists, before anything starts.
        JobSpecRules.Check(spec);
        models.CheckModels(spec.Strategy.Model, spec.Strategy.Options.GetValueOrDefault(Runs.Strategies.IortStrategy.InstructorModelOption));
        models.CheckReward(spec.Strategy.Reward);
        if (state.State.Spec is { } existing)
        {
            if (!JobSpecs.AreSame(existing, spec))
            {
                throw new InvalidOperationException($"job '{spec.JobId}' already exists with different settings");
            }

            return;
        }

        state.State.Spec = spec;
        state.State.Status = JobStates.Created;
        await Store.SaveAsync();
    }

    public async Task AddProblemsAsync(int chunkIndex, ImmutableArray<Problem> problems)
    {
        if (state.State.Chunks.ContainsKey(chunkIndex))
        {
            return;
        }

        // A chunk stored by an earlier call whose job write was lost keeps its problems; the job adopts their count.
        state.State.Chunks[chunkIndex] = await GrainFactory.JobChunk(JobId, chunkIndex).AddAsync(problems);
        await Store.SaveAsync();
    }

    public async Task AddRejectedAsync(int chunkIndex, ImmutableArray<RejectedRow> rows)
    {
        var kept = rejected.State;
        if (kept.Chunks.Contains(chunkIndex))
        {
            return;
        }

        kept.Chunks.Add(chunkIndex);
        kept.Total += rows.Length;
        kept.First.AddRange(rows.Take(Math.Max(0, MaxRejectedKept - kept.First.Count)));
        await rejected.WriteStateAsync();
    }

    public Task<ImmutableArray<RejectedRow>> GetRejectedAsync(int max) =>
        Task.FromResult(rejected.State.First.Take(Math.Max(0, max)).ToImmutableArray());

    public async Task StartAsync()
    {
        if (state.State.Spec is null)
        {
            throw new InvalidOperationException($"job '{JobId}' was never created");
        }

        if (state.State.Status is JobStates.Created)
        {
            state.State.Status = JobStates.Running;
            await Store.SaveAsync();
        }

        if (state.State.Status is JobStates.Running)
        {
            await Driver.StartAsync();
        }
    }

    public Task<JobProgress> GetProgressAsync()
    {
        var job = state.State;
        return Task.FromResult(new JobProgress(
            job.Chunks.Values.Sum(), job.ResultCount, job.Failed, Pump.InFlight, job.Correct, job.Status, job.Phase,
            job.Spec is { } spec ? RunStrategies.Phases(spec.Strategy) : 1, job.BarrierCounts.GetValueOrDefault(job.Phase),
            rejected.State.Total, [.. rejected.State.First.Take(5)], Driver.Fault, job.StepsDropped));
    }

    public async Task<ResultPage> GetResultsAsync(int from, int max)
    {
        from = Math.Max(0, from);
        var page = await new JobResultReader(GrainFactory, JobId, Store).ReadAsync(from, ResultPaging.PageEnd(from, max, Store.Visible));
        var next = from + page.Length;
        return new ResultPage(page, next, AllRecorded() && next >= Store.Visible);
    }

    public Task<ResultPage> GetResultsInInputOrderAsync(int from, int max)
    {
        return new JobResultReader(GrainFactory, JobId, Store).ReadInputOrderAsync(state.State.Chunks, Math.Max(0, from), max);
    }

    public async Task<bool> ResultsExportedAsync()
    {
        if (!AllRecorded())
        {
            return false;
        }

        if (!state.State.Exported)
        {
            state.State.Exported = true;
            await Store.SaveAsync();
            Driver.Wake();
        }

        return true;
    }

    public async Task CancelAsync()
    {
        if (state.State.Status is JobStates.Created or JobStates.Running)
        {
            state.State.Status = JobStates.Cancelled;
            state.State.FinishedAt = time.GetUtcNow();
            await Store.SaveAsync();
            Driver.Wake();
        }
    }

    public async Task DeleteAsync()
    {
        var job = state.State;
        if (job.Status is JobStates.Running || Pump.InFlight > 0)
        {
            throw new InvalidOperationException(job.Status is JobStates.Running
                ? $"job '{JobId}' is running; cancel it first (agents job cancel {JobId}) and delete it once its runs have finished"
                : $"job '{JobId}' still has {Pump.InFlight} run(s) finishing; delete it once they have finished");
        }

        Pump.Stop();
        Driver.Dispose();
        await Store.CloseAsync();
        await Driver.StopKeepAliveAsync();
        // The job's own record goes last, so a delete that fails part way can be asked again and finds every part.
        await JobDeletion.ClearPartsAsync(GrainFactory, JobId, job);
        await rejected.ClearStateAsync();
        await state.ClearStateAsync();
        state.State = new BatchJobState();
        DeactivateOnIdle();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Driver.ReceiveReminderAsync();

    Task IDrivenWork.RunAsync() => state.State.Status is JobStates.Running ? Pump.RunAsync() : DropRunStepsAsync();

    Task IDrivenWork.TickAsync() => Store.FlushAsync();

    async Task IDrivenWork.ReloadAsync()
    {
        // The old pump and its writes stop (runs in flight finish into them; their run grains keep the results); the
        // state is read again and a new pump reconciles the chunks with it before running what is pending.
        _pump?.Stop();
        _store?.Close();
        _pump = null;
        _store = null;
        await state.ReadStateAsync();
        await rejected.ReadStateAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Stop the pump and record what is buffered; nothing this activation still has in flight is written after
        // this (a later activation reruns those problems, and their run grains answer with the recorded result).
        Driver.Dispose();
        Pump.Stop();
        try
        {
            await Store.SaveAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, ex, JobId);
        }

        Store.Close();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task DropRunStepsAsync()
    {
        var dropped = await JobDeletion.DropRunStepsAsync(GrainFactory, JobId, state.State.Chunks.Keys);
        state.State.StepsDropped = true;
        await Store.SaveAsync();
        LogStepsDropped(logger, JobId, dropped, state.State.Exported);
    }

    // Every result this activation will record is flushed and visible.
    private bool AllRecorded() =>
        state.State.Status is JobStates.Completed or JobStates.Cancelled
        && Pump.InFlight == 0 && Store.Buffered == 0 && Store.Visible == state.State.ResultCount && Driver.IsIdle;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: its runs dropped {Steps} memoized steps (results exported: {Exported})")]
    private static partial void LogStepsDropped(ILogger logger, string jobId, int steps, bool exported);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: results buffered at deactivation could not be flushed; a later activation reruns them")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string jobId);
}
