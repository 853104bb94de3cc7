using System.Collections;
using System.Globalization;
using Agents.Core.Magicore;
using Agents.Grains.Runs;
using Orleans.Runtime.Messaging;

namespace Agents.Grains.Jobs;

/// <summary>
/// A batch of problems: keeps at most <see cref="JobSpec.Concurrency"/> runs in flight, retries a failed run up to
/// <see cref="JobSpec.MaxAttempts"/> times, records each result exactly once and pages results out. Multi-phase
/// strategies (MAgICoRe) run phase by phase over the whole batch: between phases the job computes the dataset
/// statistics (μ, σ) the next phase classifies with (the dataset barrier). The job's own state is small (spec, status,
/// phase, counters, chunk sizes); problems and marks live in <see cref="JobChunkGrain"/>s, results in completion order
/// in <see cref="JobResultsGrain"/>s, flushed every 250 ms. Reentrant so progress and result queries are answered while
/// runs are in flight; a reminder restarts the pump after the job's silo is lost.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("job", StorageNames.Agents)] IPersistentState<BatchJobState> state,
    [PersistentState("job-rejected", StorageNames.Agents)] IPersistentState<JobRejectedState> rejected,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable
{
    /// <summary>Rejected rows whose reasons the job keeps (all are counted).</summary>
    public const int MaxRejectedKept = 1000;

    private const string KeepAlive = "pump";
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);

    // Membership declares a killed silo dead after about 8 s on loopback (ORLEANS-NOTES §2); allow generous slack.
    private static readonly TimeSpan ClusterRecovery = TimeSpan.FromMinutes(2);

    // Finished positions per chunk, as far as this activation knows (loaded chunks and its own completions).
    private readonly Dictionary<int, BitArray> _finished = [];

    // Results and barrier values recorded in memory, not yet flushed to the chunk grains.
    private readonly List<Mark> _buffer = [];
    private Task _lastWrite = Task.CompletedTask;
    private Task? _pump;
    private int _inFlight;
    private int _visible;
    private bool _reconciled;
    private bool _deactivating;
    private bool _closed;
    private DateTimeOffset _lastCheckpoint;

    private string JobId => this.GetPrimaryKeyString();

    private bool Running => state.State.Status is JobStates.Running && !_deactivating;

    public async Task CreateAsync(JobSpec spec)
    {
        if (state.State.Spec is { } existing)
        {
            if (!SameSpec(existing, spec))
            {
                throw new InvalidOperationException($"job '{spec.JobId}' already exists with different settings");
            }

            return;
        }

        state.State.Spec = spec;
        state.State.Status = JobStates.Created;
        await SaveAsync();
    }

    public async Task AddProblemsAsync(int chunkIndex, ImmutableArray<Problem> problems)
    {
        if (state.State.Chunks.ContainsKey(chunkIndex))
        {
            return;
        }

        // A chunk stored by an earlier call whose job write was lost keeps its problems; the job adopts their count.
        state.State.Chunks[chunkIndex] = await Chunk(chunkIndex).AddAsync(problems);
        await SaveAsync();
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
        var spec = state.State.Spec ?? throw new InvalidOperationException($"job '{JobId}' was never created");
        if (state.State.Status is JobStates.Created)
        {
            state.State.Status = JobStates.Running;
            await SaveAsync();
        }

        if (state.State.Status is JobStates.Running)
        {
            await this.RegisterOrUpdateReminder(KeepAlive, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            EnsurePump(spec);
        }
    }

    public Task<JobProgress> GetProgressAsync()
    {
        ResumeIfRunning();
        var job = state.State;
        return Task.FromResult(new JobProgress(
            job.Chunks.Values.Sum(), job.ResultCount, job.Failed, _inFlight, job.Correct, job.Status, job.Phase,
            job.Spec is { } spec ? RunStrategies.Phases(spec.Strategy) : 1, job.BarrierCounts.GetValueOrDefault(job.Phase),
            rejected.State.Total, [.. rejected.State.First.Take(5)]));
    }

    public async Task<ResultPage> GetResultsAsync(int from, int max)
    {
        ResumeIfRunning();
        from = Math.Max(0, from);
        var end = Math.Min(_visible, from + Math.Clamp(max, 1, 10_000));
        var page = ImmutableArray.CreateBuilder<RunResult>(Math.Max(0, end - from));
        for (var seq = from; seq < end;)
        {
            var count = Math.Min(end - seq, JobResultsGrain.Size - (seq % JobResultsGrain.Size));
            page.AddRange(await Results(seq / JobResultsGrain.Size).ReadAsync(seq % JobResultsGrain.Size, count));
            seq += count;
        }

        var next = from + page.Count;
        return new ResultPage(page.ToImmutable(), next, AllRecorded() && next >= _visible);
    }

    public async Task<ResultPage> GetResultsInInputOrderAsync(int from, int max)
    {
        ResumeIfRunning();
        from = Math.Max(0, from);
        var total = state.State.Chunks.Values.Sum();
        var start = 0;
        foreach (var (chunk, size) in state.State.Chunks.OrderBy(c => c.Key))
        {
            if (from >= start + size)
            {
                start += size;
                continue;
            }

            // One chunk per page: its completion marks, then the results they point at, read per results grain.
            var sequence = await Chunk(chunk).GetSequenceNumbersAsync();
            var last = Math.Min(size, from - start + Math.Clamp(max, 1, 10_000));
            var wanted = Enumerable.Range(from - start, last - (from - start))
                .Select(p => sequence[p]).Where(s => s >= 0 && s < _visible).ToList();
            var bySeq = new Dictionary<int, RunResult>(wanted.Count);
            foreach (var group in wanted.GroupBy(s => s / JobResultsGrain.Size))
            {
                var read = await Results(group.Key).ReadAtAsync([.. group.Select(s => s % JobResultsGrain.Size)]);
                foreach (var (seq, result) in group.Zip(read))
                {
                    bySeq[seq] = result;
                }
            }

            var next = start + last;
            return new ResultPage([.. wanted.Select(s => bySeq[s])], next, next >= total);
        }

        return new ResultPage([], from, true);
    }

    public async Task CancelAsync()
    {
        if (state.State.Status is JobStates.Created or JobStates.Running)
        {
            state.State.Status = JobStates.Cancelled;
            await SaveAsync();
            await UnregisterKeepAliveAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Status is JobStates.Running && state.State.Spec is { } spec)
        {
            EnsurePump(spec);
        }
        else
        {
            await UnregisterKeepAliveAsync();
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _visible = state.State.ResultCount;
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Stop the pump and record what is buffered; nothing this activation still has in flight is written after
        // this (a later activation reruns those problems, and their run grains answer with the recorded result).
        _deactivating = true;
        try
        {
            await SaveAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, ex, JobId);
        }

        _closed = true;
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    // A job reactivated after its silo died resumes as soon as anyone asks about it (the reminder covers detached jobs).
    private void ResumeIfRunning()
    {
        if (Running && state.State.Spec is { } spec)
        {
            EnsurePump(spec);
        }
    }

    private void EnsurePump(JobSpec spec)
    {
        if (!_deactivating && (_pump is null || _pump.IsCompleted))
        {
            _pump = PumpAsync(spec);
        }
    }

    // Every result this activation will record is flushed and visible.
    private bool AllRecorded() =>
        state.State.Status is JobStates.Completed or JobStates.Cancelled
        && _inFlight == 0 && _buffer.Count == 0 && _visible == state.State.ResultCount && (_pump is null || _pump.IsCompleted);

    private async Task PumpAsync(JobSpec spec)
    {
        var phases = RunStrategies.Phases(spec.Strategy);
        if (!_reconciled)
        {
            await ReconcileAsync();
        }

        while (Running && state.State.Phase < phases)
        {
            var phase = state.State.Phase;
            var stats = StatsFor(spec.Strategy, phase);
            var chunks = new Queue<int>(state.State.Chunks.Keys.Order());
            var pending = new Queue<Work>();
            var running = new List<Task>();
            var tick = Task.Delay(FlushEvery);
            while (Running && (pending.Count > 0 || running.Count > 0 || chunks.Count > 0))
            {
                // Problems are read a chunk at a time, just ahead of need: memory holds about two chunks, not the job.
                while (pending.Count < spec.Concurrency && chunks.Count > 0)
                {
                    await LoadPendingAsync(chunks.Dequeue(), phase, pending);
                }

                while (running.Count < spec.Concurrency && pending.Count > 0 && Running)
                {
                    running.Add(RunOneAsync(spec, pending.Dequeue(), phase, stats));
                }

                if (running.Count == 0)
                {
                    continue;
                }

                await Task.WhenAny(Task.WhenAny(running), tick);
                running.RemoveAll(t => t.IsCompleted);
                if (tick.IsCompleted)
                {
                    tick = Task.Delay(FlushEvery);
                }

                await CheckpointAsync(force: false);
            }

            if (running.Count > 0)
            {
                await Task.WhenAll(running);
            }

            if (!Running)
            {
                break;
            }

            await CheckpointAsync(force: true);
            if (phase + 1 < phases && !state.State.PhaseStats.ContainsKey(phase + 1))
            {
                // The dataset barrier: μ and σ over the barrier value (first chain's c) of every problem still running.
                var values = await Task.WhenAll(state.State.Chunks.Keys.Select(c => Chunk(c).GetBarrierValuesAsync(phase)));
                var statistics = DatasetStatistics.FromScores(values.SelectMany(v => v));
                state.State.PhaseStats[phase + 1] = new DatasetStats(statistics.Mean, statistics.StdDev, "dataset");
                LogBarrier(logger, spec.JobId, phase + 1, statistics.Mean, statistics.StdDev, values.Sum(v => v.Length));
            }

            state.State.Phase = phase + 1;
            await CheckpointAsync(force: true);
        }

        if (_deactivating)
        {
            return;
        }

        await CheckpointAsync(force: true);
        if (state.State.Status is JobStates.Running)
        {
            state.State.Status = JobStates.Completed;
            await UnregisterKeepAliveAsync();
            await CheckpointAsync(force: true);
        }

        LogJobFinished(logger, spec.JobId, state.State.ResultCount, state.State.Status);
    }

    // Marks left by an activation that died between flushing a chunk and recording the job's counters are dropped,
    // and the barrier count of the current phase is recounted from the chunks.
    private async Task ReconcileAsync()
    {
        var counts = await Task.WhenAll(state.State.Chunks.Keys.Select(c => Chunk(c).ReconcileAsync(state.State.ResultCount, state.State.Phase)));
        state.State.BarrierCounts[state.State.Phase] = counts.Sum(c => c.BarrierDone);
        _reconciled = true;
    }

    private async Task LoadPendingAsync(int chunk, int phase, Queue<Work> pending)
    {
        var view = await Chunk(chunk).LoadAsync(phase);
        if (!_finished.TryGetValue(chunk, out var finished))
        {
            _finished[chunk] = finished = new BitArray(view.Problems.Length);
        }

        var barrierDone = view.BarrierDone.ToHashSet();
        for (var i = 0; i < view.Problems.Length; i++)
        {
            if (view.Sequence[i] >= 0 && view.Sequence[i] < state.State.ResultCount)
            {
                finished[i] = true;
            }

            if (!finished[i] && !barrierDone.Contains(i))
            {
                pending.Enqueue(new Work(chunk, i, view.Problems[i]));
            }
        }
    }

    // Statistics fixed in the strategy's options (a single problem with no dataset) win over the barrier's.
    private DatasetStats? StatsFor(StrategySpec strategy, int phase)
    {
        if (phase == 0)
        {
            return null;
        }

        if (strategy.Options.TryGetValue("mu", out var mu) && strategy.Options.TryGetValue("sigma", out var sigma))
        {
            return new DatasetStats(
                double.Parse(mu, CultureInfo.InvariantCulture), double.Parse(sigma, CultureInfo.InvariantCulture),
                strategy.Options.GetValueOrDefault("stats_source", "options"));
        }

        return state.State.PhaseStats.GetValueOrDefault(phase);
    }

    private async Task RunOneAsync(JobSpec spec, Work work, int phase, DatasetStats? stats)
    {
        var problem = work.Problem;
        _inFlight++;
        try
        {
            var request = new RunRequest(spec.JobId, problem, spec.Strategy, phase, stats);
            var run = GrainFactory.GetGrain<IProblemRunGrain>($"{spec.JobId}/{problem.Id}");
            string? lastError = null;
            var clusterDeadline = DateTime.UtcNow + ClusterRecovery;
            for (var attempt = 1; attempt <= spec.MaxAttempts; attempt++)
            {
                try
                {
                    var result = await run.RunPhaseAsync(request);
                    if (result.Final is { } final)
                    {
                        Complete(work, phase, final);
                    }
                    else
                    {
                        _buffer.Add(new Mark(work.Chunk, work.Position, phase, null, result.BarrierValue ?? 0));
                    }

                    return;
                }
                catch (Exception ex) when (IsClusterFault(ex) && DateTime.UtcNow < clusterDeadline)
                {
                    // The run's silo is gone and not yet declared dead: not the run's fault, so wait and ask again
                    // (the run reactivates elsewhere from its last checkpoint) without using up an attempt.
                    LogClusterFault(logger, spec.JobId, problem.Id, ex.GetType().Name);
                    attempt--;
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    lastError = $"attempt {attempt}/{spec.MaxAttempts}: {ex.GetType().Name}: {FirstLine(ex.Message)}";
                    LogRunFailed(logger, ex, spec.JobId, problem.Id, attempt);
                }
            }

            Complete(work, phase, new RunResult(
                problem.Id, spec.Strategy.Name, null, problem.Gold, problem.Gold is null ? null : false, "failed", lastError,
                TokenUsage.None, 0, 0, "", "", problem.Line, [], [], [], ImmutableDictionary<string, string>.Empty.Add("failed_in_phase", phase.ToString(CultureInfo.InvariantCulture))));
        }
        finally
        {
            _inFlight--;
        }
    }

    // Record equality compares the options dictionary by reference, and a re-attaching client sends a new one.
    private static bool SameSpec(JobSpec existing, JobSpec spec) =>
        existing with { Strategy = existing.Strategy with { Options = spec.Strategy.Options } } == spec
        && existing.Strategy.Options.Count == spec.Strategy.Options.Count
        && existing.Strategy.Options.All(o => spec.Strategy.Options.TryGetValue(o.Key, out var value) && value == o.Value);

    private static bool IsClusterFault(Exception ex) =>
        ex is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException or ConnectionFailedException;

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private void Complete(Work work, int phase, RunResult result)
    {
        var finished = _finished[work.Chunk];
        if (!finished[work.Position])
        {
            finished[work.Position] = true;
            _buffer.Add(new Mark(work.Chunk, work.Position, phase, result, null));
        }
    }

    private IJobChunkGrain Chunk(int index) => GrainFactory.GetGrain<IJobChunkGrain>($"{JobId}/{index}");

    private IJobResultsGrain Results(int index) => GrainFactory.GetGrain<IJobResultsGrain>($"{JobId}/{index}");

    private async Task CheckpointAsync(bool force)
    {
        var now = DateTimeOffset.UtcNow;
        if (force || now - _lastCheckpoint >= FlushEvery)
        {
            _lastCheckpoint = now;
            await SaveAsync();
        }
    }

    // Reentrant turns may write at the same time; storage etags require one write at a time.
    private Task SaveAsync() => _lastWrite = SaveAfterAsync(_lastWrite);

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
        _visible = state.State.ResultCount;
    }

    // Writes buffered results after the last recorded one (results grains first, then the chunks' marks); the job's
    // counters follow in the caller's write. A failure leaves the buffer as it was, so the next flush writes it again
    // at the same sequence numbers.
    private async Task FlushAsync()
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        var batch = _buffer.ToList();
        var finals = batch.Where(m => m.Result is not null).ToList();
        var first = state.State.ResultCount;
        var writes = new List<Task>();
        for (var i = 0; i < finals.Count;)
        {
            var seq = first + i;
            var count = Math.Min(finals.Count - i, JobResultsGrain.Size - (seq % JobResultsGrain.Size));
            writes.Add(Results(seq / JobResultsGrain.Size).WriteAsync(seq % JobResultsGrain.Size, [.. finals.Skip(i).Take(count).Select(m => m.Result!)]));
            i += count;
        }

        await Task.WhenAll(writes);
        var sequence = new Dictionary<Mark, int>(finals.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < finals.Count; i++)
        {
            sequence[finals[i]] = first + i;
        }

        await Task.WhenAll(batch.GroupBy(m => (m.Chunk, m.Phase)).Select(g =>
        {
            var done = g.Where(m => m.Result is not null).ToList();
            var barrier = g.Where(m => m.Barrier is not null).ToList();
            return Chunk(g.Key.Chunk).RecordAsync(new JobChunkMarks(
                g.Key.Phase, [.. done.Select(m => m.Position)], [.. done.Select(m => sequence[m])],
                [.. barrier.Select(m => m.Position)], [.. barrier.Select(m => m.Barrier!.Value)]));
        }));

        _buffer.RemoveRange(0, batch.Count);
        var job = state.State;
        job.ResultCount += finals.Count;
        job.Failed += finals.Count(m => m.Result!.Status == "failed");
        job.Correct += finals.Count(m => m.Result!.Correct == true);
        foreach (var phase in batch.Where(m => m.Barrier is not null).GroupBy(m => m.Phase))
        {
            job.BarrierCounts[phase.Key] = job.BarrierCounts.GetValueOrDefault(phase.Key) + phase.Count();
        }
    }

    private async Task UnregisterKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAlive) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: run of {ProblemId} unreachable ({Fault}); retrying while the cluster recovers")]
    private static partial void LogClusterFault(ILogger logger, string jobId, string problemId, string fault);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: run of {ProblemId} failed (attempt {Attempt})")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string jobId, string problemId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: barrier before phase {Phase}: mu={Mean} sigma={StdDev} over {Count} problems")]
    private static partial void LogBarrier(ILogger logger, string jobId, int phase, double mean, double stdDev, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: results buffered at deactivation could not be flushed; a later activation reruns them")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished with {Results} results ({Status})")]
    private static partial void LogJobFinished(ILogger logger, string jobId, int results, string status);
}

/// <summary>A problem to run: where it is in the job and the problem itself.</summary>
internal readonly record struct Work(int Chunk, int Position, Problem Problem);

/// <summary>A result or barrier value recorded in memory, waiting to be flushed to its chunk.</summary>
internal sealed record Mark(int Chunk, int Position, int Phase, RunResult? Result, double? Barrier);
