using Agents.Core.Jobs;
using Agents.Grains.Runs;

namespace Agents.Grains.Jobs;

/// <summary>
/// One job activation's work: phase by phase over the whole batch with at most <see cref="JobSpec.Concurrency"/> runs
/// in flight, results buffered in <see cref="JobStore"/> (the job's driver flushes them every
/// <see cref="JobStore.FlushEvery"/>; each phase ends with a save), the dataset barrier between phases (only where a
/// phase needs statistics not yet known: later phases stream, see <see cref="PhaseStatistics.StreamEnd"/>), and the
/// job's completion. Started by the job's <see cref="Driving.GrainDriver"/> on the grain's scheduler; once stopped (the
/// activation is leaving or reloading its state) it starts nothing new and what it still reports is not saved.
/// </summary>
/// <param name="state">The job's state.</param>
/// <param name="store">The activation's writes.</param>
/// <param name="grains">The grain factory.</param>
/// <param name="jobId">The job.</param>
/// <param name="time">The silo's clock (retry waits of the runs).</param>
/// <param name="logger">The job grain's logger.</param>
internal sealed partial class JobPump(
    IPersistentState<BatchJobState> state, JobStore store, IGrainFactory grains, string jobId, TimeProvider time, ILogger logger)
{
    // Finished positions per chunk, as far as this activation knows (loaded chunks and its own completions).
    private readonly FinishedProblems _finished = new();
    private bool _reconciled;
    private bool _stopped;

    /// <summary>Runs currently executing.</summary>
    public int InFlight { get; private set; }

    private bool Running => state.State.Status is JobStates.Running && !_stopped;

    /// <summary>Starts nothing more; runs in flight finish, but what they report is no longer saved.</summary>
    public void Stop() => _stopped = true;

    /// <summary>Runs the job's remaining phases to its completion, or until it is cancelled or the pump stopped.</summary>
    public Task RunAsync() => state.State.Spec is { } spec
        ? PumpAsync(spec)
        : throw new InvalidOperationException($"job '{jobId}' was never created");

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
            if (PhaseStatistics.AheadOf(spec.Strategy, phase, phases) is { } ahead)
            {
                // Problems work ahead of the barrier and wait only where they need its statistics; the barrier is
                // computed mid-pass, and the job moves to the phase that needed it (what is left there runs next).
                await RunAheadAsync(spec, ahead, phases);
                if (!Running)
                {
                    break;
                }

                await store.SaveAsync();
                continue;
            }

            // Phases whose statistics are known stream: each problem runs them back to back, with no barrier between.
            var last = PhaseStatistics.StreamEnd(spec.Strategy, phase, phases);
            await RunPhaseAsync(spec, phase, last);
            if (!Running)
            {
                break;
            }

            await store.SaveAsync();
            if (last + 1 < phases && !state.State.PhaseStats.ContainsKey(last + 1))
            {
                state.State.PhaseStats[last + 1] = await ComputeBarrierAsync(last, last + 1);
            }

            state.State.Phase = last + 1;
            await store.SaveAsync();
        }

        if (_stopped)
        {
            return;
        }

        await store.SaveAsync();
        if (state.State.Status is JobStates.Running)
        {
            state.State.Status = JobStates.Completed;
            state.State.FinishedAt = time.GetUtcNow();
            await store.SaveAsync();
        }

        LogJobFinished(logger, spec.JobId, state.State.ResultCount, state.State.Status);
    }

    // Runs every pending problem of phases phase..last, a bounded number at a time; the driver flushes what they report.
    private async Task RunPhaseAsync(JobSpec spec, int phase, int last)
    {
        var stats = PhaseStatistics.For(spec.Strategy, phase, state.State.PhaseStats);
        var cursor = new PendingCursor(state.State.Chunks.Keys, _finished);
        var running = new List<Task>();
        while (Running && (!cursor.IsExhausted || running.Count > 0))
        {
            await LoadAheadAsync(cursor, phase, spec.Concurrency);
            while (running.Count < spec.Concurrency && Running && cursor.TryTake(out var work))
            {
                running.Add(RunOneAsync(spec, work, phase, last, stats));
            }

            if (running.Count == 0)
            {
                continue;
            }

            await Task.WhenAny(running);
            if (running.Find(t => t.IsFaulted) is { } faulted)
            {
                await faulted; // a run the runner could not contain ends the pump: its driver logs it and starts again
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        if (running.Count > 0)
        {
            await Task.WhenAll(running);
        }
    }

    // The dataset barrier: μ and σ over the barrier values every chunk holds for phase `from` (saved before), which
    // phase `to` will classify with.
    private async Task<DatasetStats> ComputeBarrierAsync(int from, int to)
    {
        var values = await Task.WhenAll(state.State.Chunks.Keys.Select(c => Ask(() => grains.JobChunk(jobId, c).GetBarrierValuesAsync(from))));
        var barrier = PhaseStatistics.AtBarrier(values);
        LogBarrier(logger, jobId, to, barrier.Stats.Mean, barrier.Stats.StdDev, barrier.Problems);
        return barrier.Stats;
    }

    // Reads chunks into the cursor just ahead of need (fewer than `wanted` problems pending), with the problems' pending
    // state for `phase`.
    private async Task LoadAheadAsync(PendingCursor cursor, int phase, int wanted)
    {
        while (cursor.NextChunk(wanted) is { } chunk)
        {
            // The input position travels with the run (IoRT's shared-growing memory appends in input order).
            var offset = state.State.Chunks.Where(c => c.Key < chunk).Sum(c => c.Value);
            cursor.Load(chunk, await Ask(() => grains.JobChunk(jobId, chunk).LoadAsync(phase)), state.State.ResultCount, offset);
        }
    }

    // Runs every problem pending at the barrier phase through phases 0..ahead.AheadEnd (no statistics), recording its
    // barrier value as soon as the barrier phase answers. Once every such problem has answered it (the cursor is
    // exhausted), the barrier is computed exactly as between phases and saved as the statistics of ahead.StatsPhase with
    // the job moved to that phase. A problem through its work-ahead by then streams on; one that finished it earlier left
    // its concurrency slot, and a second cursor over the chunks, read once the statistics are known, takes it (and any
    // problem an earlier activation brought to the barrier) from ahead.StatsPhase. A job that stops before the barrier
    // runs the pass again: finished phases replay from their runs' memoized steps.
    private async Task RunAheadAsync(JobSpec spec, WorkAhead ahead, int phases)
    {
        var last = PhaseStatistics.StreamEnd(spec.Strategy, ahead.StatsPhase, phases);
        var cursor = new PendingCursor(state.State.Chunks.Keys, _finished);
        PendingCursor? after = null; // problems left to run from ahead.StatsPhase, read once its statistics are known
        var inPass = new HashSet<(int Chunk, int Position)>(); // problems in their work-ahead, or streaming on from it
        var running = new List<Task>();
        var awaited = 0; // problems taken whose barrier phase has not answered yet
        Task? barrier = null;
        DatasetStats? stats = null;

        async Task WorkAheadAsync(JobWork work)
        {
            inPass.Add((work.Chunk, work.Position));
            try
            {
                if (await RunAheadPhasesAsync(work) && stats is not null && Running)
                {
                    await RunOneAsync(spec, work, ahead.StatsPhase, last, stats);
                }
            }
            finally
            {
                inPass.Remove((work.Chunk, work.Position));
            }
        }

        // Phases 0..AheadEnd of one problem; false when it finished (a failed run) on the way.
        async Task<bool> RunAheadPhasesAsync(JobWork work)
        {
            InFlight++;
            try
            {
                for (var p = 0; p <= ahead.AheadEnd; p++)
                {
                    PhaseResult result;
                    try
                    {
                        result = await ProblemRunner.RunAsync(grains, spec, work.Problem, p, null, time, logger, work.Index);
                    }
                    finally
                    {
                        awaited -= p == ahead.BarrierPhase ? 1 : 0;
                    }

                    if (result.Final is { } final)
                    {
                        if (_finished.TryFinish(work.Chunk, work.Position))
                        {
                            store.Add(JobMark.Finished(work, p, final));
                        }

                        return false;
                    }

                    if (p == ahead.BarrierPhase)
                    {
                        store.Add(JobMark.AtBarrier(work, p, result.BarrierValue ?? 0));
                    }
                }

                return true;
            }
            finally
            {
                InFlight--;
            }
        }

        async Task BarrierAsync()
        {
            // Every barrier value this pass recorded is written to its chunk before the chunks are read.
            await store.SaveAsync();
            var computed = await ComputeBarrierAsync(ahead.BarrierPhase, ahead.StatsPhase);
            if (!Running)
            {
                return;
            }

            state.State.PhaseStats[ahead.StatsPhase] = computed;
            state.State.Phase = ahead.StatsPhase;
            await store.SaveAsync();
            stats = computed;
        }

        while (Running && (!cursor.IsExhausted || running.Count > 0 || after is not { IsExhausted: true }))
        {
            if (stats is not null)
            {
                after ??= new PendingCursor(state.State.Chunks.Keys, _finished);
                await LoadAheadAsync(after, ahead.StatsPhase, spec.Concurrency);
                while (running.Count < spec.Concurrency && Running && after.TryTake(out var next))
                {
                    // A problem still in this pass streams on by itself.
                    if (!inPass.Contains((next.Chunk, next.Position)))
                    {
                        running.Add(RunOneAsync(spec, next, ahead.StatsPhase, last, stats));
                    }
                }
            }

            await LoadAheadAsync(cursor, ahead.BarrierPhase, spec.Concurrency);
            while (running.Count < spec.Concurrency && Running && cursor.TryTake(out var work))
            {
                awaited++;
                running.Add(WorkAheadAsync(work));
            }

            if (barrier is null && cursor.IsExhausted && awaited == 0)
            {
                barrier = BarrierAsync();
            }

            var waits = barrier is { IsCompleted: false } ? [.. running, barrier] : running;
            if (waits.Count == 0)
            {
                continue; // the second cursor skipped problems still in the pass and has more chunks to read
            }

            await Task.WhenAny(waits);
            // A run that failed or was cancelled, or a barrier that could not be saved, ends the pump (as in
            // RunPhaseAsync): its driver logs it and starts the pump again.
            if (running.Find(t => t.IsCompleted && !t.IsCompletedSuccessfully) is { } failed)
            {
                await failed;
            }

            if (barrier is { IsCompleted: true, IsCompletedSuccessfully: false })
            {
                await barrier;
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(barrier is null ? running : [.. running, barrier]);
    }

    // Marks left by an activation that died between flushing a chunk and recording the job's counters are dropped
    // (see JobRecovery), and the barrier count of the current phase is recounted from the chunks.
    private async Task ReconcileAsync()
    {
        var job = state.State;
        var counts = await Task.WhenAll(job.Chunks.Keys.Select(c => Ask(() => grains.JobChunk(jobId, c).ReconcileAsync(job.ResultCount, job.Phase))));
        job.BarrierCounts[job.Phase] = counts.Sum(c => c.BarrierDone);
        _reconciled = true;
    }

    // A final result is buffered only the first time its problem finishes (exactly once per problem). Phases after the
    // first of a stream run with their fixed statistics or the first's (PhaseStatistics.InStream); a run replays
    // the phases it already finished, so a job that restarts mid-stream starts the stream again at no cost.
    private async Task RunOneAsync(JobSpec spec, JobWork work, int phase, int last, DatasetStats? stats)
    {
        InFlight++;
        try
        {
            for (var p = phase; p <= last; p++)
            {
                var result = await ProblemRunner.RunAsync(
                    grains, spec, work.Problem, p, p == phase ? stats : PhaseStatistics.InStream(spec.Strategy, p, phase, state.State.PhaseStats), time, logger, work.Index);
                if (result.Final is { } final)
                {
                    if (_finished.TryFinish(work.Chunk, work.Position))
                    {
                        store.Add(JobMark.Finished(work, p, final));
                    }

                    break;
                }

                if (p == last)
                {
                    store.Add(JobMark.AtBarrier(work, p, result.BarrierValue ?? 0));
                }
            }
        }
        finally
        {
            InFlight--;
        }
    }

    // Chunk reads and the reconcile are idempotent: a lost answer is asked again rather than waited on for the call timeout.
    private Task<T> Ask<T>(Func<Task<T>> call) =>
        Driving.PatientCalls.AskAsync(call, time, (asks, waited) => LogAskingAgain(logger, jobId, waited.TotalSeconds, asks + 1));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: a chunk call was not answered in {Seconds} s; asking again (ask {Ask}; the call is idempotent)")]
    private static partial void LogAskingAgain(ILogger logger, string jobId, double seconds, int ask);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: barrier before phase {Phase}: mu={Mean} sigma={StdDev} over {Count} problems")]
    private static partial void LogBarrier(ILogger logger, string jobId, int phase, double mean, double stdDev, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished with {Results} results ({Status})")]
    private static partial void LogJobFinished(ILogger logger, string jobId, int results, string status);
}
