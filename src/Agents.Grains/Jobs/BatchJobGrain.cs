namespace Agents.Grains.Jobs;

/// <summary>
/// A batch of problems: keeps at most <see cref="JobSpec.Concurrency"/> runs in flight, retries a failed run up to
/// <see cref="JobSpec.MaxAttempts"/> times, records each result exactly once (keyed by problem id) and pages results
/// out. Reentrant so progress and result queries are answered while runs are in flight; a reminder restarts the
/// pump after the job's silo is lost.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("job", StorageNames.Agents)] IPersistentState<BatchJobState> state,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable
{
    private const string KeepAlive = "pump";
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(2);
    private readonly HashSet<string> _finished = [];
    private Task _lastWrite = Task.CompletedTask;
    private Task? _pump;
    private int _inFlight;
    private DateTimeOffset _lastCheckpoint;

    public async Task CreateAsync(JobSpec spec)
    {
        if (state.State.Spec is { } existing)
        {
            if (existing != spec)
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

        state.State.Chunks[chunkIndex] = [.. problems];
        await SaveAsync();
    }

    public async Task StartAsync()
    {
        var spec = state.State.Spec ?? throw new InvalidOperationException($"job '{this.GetPrimaryKeyString()}' was never created");
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
        var results = state.State.Results;
        return Task.FromResult(new JobProgress(
            state.State.Chunks.Values.Sum(c => c.Count),
            results.Count,
            results.Count(r => r.Status == "failed"),
            _inFlight,
            results.Count(r => r.Correct == true),
            state.State.Status));
    }

    public Task<ResultPage> GetResultsAsync(int from, int max)
    {
        var results = state.State.Results;
        var page = results.Skip(Math.Max(0, from)).Take(Math.Clamp(max, 1, 10_000)).ToImmutableArray();
        var next = Math.Max(0, from) + page.Length;
        var finished = state.State.Status is JobStates.Completed or JobStates.Cancelled && _inFlight == 0 && next >= results.Count;
        return Task.FromResult(new ResultPage(page, next, finished));
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
        foreach (var result in state.State.Results)
        {
            _finished.Add(result.ProblemId);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    private void EnsurePump(JobSpec spec)
    {
        if (_pump is null || _pump.IsCompleted)
        {
            _pump = PumpAsync(spec);
        }
    }

    private async Task PumpAsync(JobSpec spec)
    {
        var pending = new Queue<Problem>(state.State.Chunks.OrderBy(c => c.Key).SelectMany(c => c.Value).Where(p => !_finished.Contains(p.Id)));
        var running = new List<Task>();
        while (state.State.Status is JobStates.Running && (pending.Count > 0 || running.Count > 0))
        {
            while (running.Count < spec.Concurrency && pending.Count > 0 && state.State.Status is JobStates.Running)
            {
                running.Add(RunOneAsync(spec, pending.Dequeue()));
            }

            var done = await Task.WhenAny(running);
            running.Remove(done);
            await CheckpointAsync(force: false);
        }

        if (running.Count > 0)
        {
            await Task.WhenAll(running);
        }

        if (state.State.Status is JobStates.Running)
        {
            state.State.Status = JobStates.Completed;
            await UnregisterKeepAliveAsync();
        }

        await CheckpointAsync(force: true);
        LogJobFinished(logger, spec.JobId, state.State.Results.Count, state.State.Status);
    }

    private async Task RunOneAsync(JobSpec spec, Problem problem)
    {
        _inFlight++;
        try
        {
            var request = new RunRequest(spec.JobId, problem, spec.Strategy);
            var run = GrainFactory.GetGrain<IProblemRunGrain>($"{spec.JobId}/{problem.Id}");
            string? lastError = null;
            for (var attempt = 1; attempt <= spec.MaxAttempts; attempt++)
            {
                try
                {
                    Complete(await run.RunAsync(request));
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    lastError = $"attempt {attempt}/{spec.MaxAttempts}: {ex.GetType().Name}: {ex.Message}";
                    LogRunFailed(logger, ex, spec.JobId, problem.Id, attempt);
                }
            }

            Complete(new RunResult(
                problem.Id, spec.Strategy.Name, null, problem.Gold, problem.Gold is null ? null : false, "failed", lastError,
                TokenUsage.None, 0, 0, "", "", problem.Line));
        }
        finally
        {
            _inFlight--;
        }
    }

    private void Complete(RunResult result)
    {
        if (_finished.Add(result.ProblemId))
        {
            state.State.Results.Add(result);
        }
    }

    private async Task CheckpointAsync(bool force)
    {
        var now = DateTimeOffset.UtcNow;
        if (force || now - _lastCheckpoint >= CheckpointEvery)
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

        await state.WriteStateAsync();
    }

    private async Task UnregisterKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAlive) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: run of {ProblemId} failed (attempt {Attempt})")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string jobId, string problemId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished with {Results} results ({Status})")]
    private static partial void LogJobFinished(ILogger logger, string jobId, int results, string status);
}

/// <summary>Job status values.</summary>
public static class JobStates
{
    /// <summary>Created, problems being uploaded.</summary>
    public const string Created = "created";

    /// <summary>Runs are being started.</summary>
    public const string Running = "running";

    /// <summary>Every problem has a result.</summary>
    public const string Completed = "completed";

    /// <summary>Cancelled by the user; runs in flight finished.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>A batch job's persisted state. Problems are kept per upload chunk; results in completion order.</summary>
[GenerateSerializer, Alias("agents.batch-job-state.v1")]
public sealed class BatchJobState
{
    /// <summary>The job's settings.</summary>
    [Id(0)] public JobSpec? Spec { get; set; }

    /// <summary>Problems by upload chunk index.</summary>
    [Id(1)] public Dictionary<int, List<Problem>> Chunks { get; set; } = [];

    /// <summary>Finished results, each problem once, in completion order.</summary>
    [Id(2)] public List<RunResult> Results { get; set; } = [];

    /// <summary>One of <see cref="JobStates"/>.</summary>
    [Id(3)] public string Status { get; set; } = JobStates.Created;
}
