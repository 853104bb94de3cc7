using Agents.Contracts.Refining;

namespace Agents.Benchmarks;

/// <summary>
/// Makes a reference schedule send a hard iteration's reviewer prompts and refiner prompts as two batches, as the
/// released code does (one batch of reviews, then one batch of refinements) and as a phase-by-phase driver over a batch
/// API would: while a batch is open, each refinement a run asks for waits here, on the calling silo's outgoing side,
/// until every run of the batch has had all its reviews answered (or finished without any); then the refinements go
/// out together. The run grains and their calls stay the same (same seeds, same answers); only when the refinements are
/// sent changes, and a held refinement holds no replica slot. Closed (no batch open) it lets every call through, so
/// the job runs unchanged. One instance serves every silo of the benchmark's in-process cluster.
/// </summary>
internal sealed class ReviewBatchGate : IOutgoingGrainCallFilter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private TaskCompletionSource _release = Released();
    private bool _open;
    private int _held;
    private int _late;

    /// <summary>Refinements held until their batch's reviews were all answered, over every batch so far.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>
    /// Refinements asked for after their batch had been released (a run whose reviews did not all go out together):
    /// each one breaks the two-batch schedule, so a measurement with any is not the reference it claims to be.
    /// </summary>
    public int Late
    {
        get
        {
            lock (_lock)
            {
                return _late;
            }
        }
    }

    /// <summary>Starts a batch over the runs keyed <paramref name="runKeys"/> (the run grains' keys).</summary>
    private void Begin(IEnumerable<string> runKeys)
    {
        lock (_lock)
        {
            _runs.Clear();
            foreach (var key in runKeys)
            {
                _runs[key] = new Run();
            }

            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _open = true;
            ReleaseIfReady();
        }
    }

    /// <summary>The run keyed <paramref name="runKey"/> finished its phase.</summary>
    private void Finished(string runKey)
    {
        lock (_lock)
        {
            _runs.Remove(runKey);
            ReleaseIfReady();
        }
    }

    /// <summary>Ends the batch: every call goes straight through again.</summary>
    private void End()
    {
        lock (_lock)
        {
            _open = false;
            _runs.Clear();
            _release.TrySetResult();
        }
    }

    /// <summary>Runs one phase of every run in <paramref name="runs"/> as one batch (reviews, then refinements).</summary>
    public async Task<T[]> BatchAsync<T>(IReadOnlyList<(string Key, Func<Task<T>> Run)> runs)
    {
        Begin(runs.Select(r => r.Key));
        try
        {
            return await Task.WhenAll(runs.Select(async r =>
            {
                try
                {
                    return await r.Run();
                }
                finally
                {
                    Finished(r.Key);
                }
            }));
        }
        finally
        {
            End();
        }
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var declaring = context.InterfaceMethod?.DeclaringType;
        var review = declaring == typeof(IReviewerGrain);
        if ((!review && declaring != typeof(IRefinerGrain)) || context.SourceId is not { } source)
        {
            await context.Invoke();
            return;
        }

        var key = source.Key.ToString()!;
        Task wait;
        lock (_lock)
        {
            if (!_open || !_runs.TryGetValue(key, out var run))
            {
                wait = Task.CompletedTask;
            }
            else if (review)
            {
                run.Reviewing++;
                wait = Task.CompletedTask;
            }
            else if (_release.Task.IsCompleted)
            {
                _late++;
                wait = Task.CompletedTask;
            }
            else
            {
                run.Held++;
                _held++;
                wait = _release.Task;
                ReleaseIfReady();
            }
        }

        if (!review)
        {
            await wait;
            await context.Invoke();
            return;
        }

        var answered = false;
        try
        {
            await context.Invoke();
            answered = true;
        }
        finally
        {
            lock (_lock)
            {
                if (_open && _runs.TryGetValue(key, out var run))
                {
                    run.Reviewing--;
                    run.Reviewed += answered ? 1 : 0;
                    ReleaseIfReady();
                }
            }
        }
    }

    // Ready when every run still in the batch has all its reviews answered and a refinement waiting for each; a run
    // that asks for no review (an easy problem) leaves the batch when its phase finishes.
    private void ReleaseIfReady()
    {
        if (_open && _runs.Values.All(r => r.Reviewing == 0 && r.Reviewed > 0 && r.Held == r.Reviewed))
        {
            _release.TrySetResult();
        }
    }

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }

    private sealed class Run
    {
        public int Reviewing { get; set; }

        public int Reviewed { get; set; }

        public int Held { get; set; }
    }
}
