using System.Globalization;
using Agents.Core.Magicore;
using Agents.Grains.Runs;
using Orleans.Runtime.Messaging;

namespace Agents.Grains.Jobs;

/// <summary>
/// A batch of problems: keeps at most <see cref="JobSpec.Concurrency"/> runs in flight, retries a failed run up to
/// <see cref="JobSpec.MaxAttempts"/> times, records each result exactly once (keyed by problem id) and pages results
/// out. Multi-phase strategies (MAgICoRe) run phase by phase over the whole batch: between phases the job computes
/// the dataset statistics (μ, σ) the next phase classifies with (the dataset barrier). Reentrant so progress and result queries are answered while runs are in flight; a reminder restarts the
/// pump after the job's silo is lost.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("job", StorageNames.Agents)] IPersistentState<BatchJobState> state,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable
{
    private const string KeepAlive = "pump";
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(2);

    // Membership declares a killed silo dead after about 8 s on loopback (ORLEANS-NOTES §2); allow generous slack.
    private static readonly TimeSpan ClusterRecovery = TimeSpan.FromMinutes(2);
    private readonly HashSet<string> _finished = [];
    private Task _lastWrite = Task.CompletedTask;
    private Task? _pump;
    private int _inFlight;
    private DateTimeOffset _lastCheckpoint;

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
        ResumeIfRunning();
        var results = state.State.Results;
        return Task.FromResult(new JobProgress(
            state.State.Chunks.Values.Sum(c => c.Count),
            results.Count,
            results.Count(r => r.Status == "failed"),
            _inFlight,
            results.Count(r => r.Correct == true),
            state.State.Status,
            state.State.Phase,
            state.State.Spec is { } spec ? RunStrategies.Phases(spec.Strategy) : 1,
            state.State.Barriers.GetValueOrDefault(state.State.Phase)?.Count ?? 0));
    }

    public Task<ResultPage> GetResultsAsync(int from, int max)
    {
        ResumeIfRunning();
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

    // A job reactivated after its silo died resumes as soon as anyone asks about it (the reminder covers detached jobs).
    private void ResumeIfRunning()
    {
        if (state.State.Status is JobStates.Running && state.State.Spec is { } spec)
        {
            EnsurePump(spec);
        }
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
        var phases = RunStrategies.Phases(spec.Strategy);
        var problems = state.State.Chunks.OrderBy(c => c.Key).SelectMany(c => c.Value).ToList();
        while (state.State.Status is JobStates.Running && state.State.Phase < phases)
        {
            var phase = state.State.Phase;
            var barrier = state.State.Barriers.TryGetValue(phase, out var values) ? values : state.State.Barriers[phase] = [];
            var stats = StatsFor(spec.Strategy, phase);
            var pending = new Queue<Problem>(problems.Where(p => !_finished.Contains(p.Id) && !barrier.ContainsKey(p.Id)));
            var running = new List<Task>();
            while (state.State.Status is JobStates.Running && (pending.Count > 0 || running.Count > 0))
            {
                while (running.Count < spec.Concurrency && pending.Count > 0 && state.State.Status is JobStates.Running)
                {
                    running.Add(RunOneAsync(spec, pending.Dequeue(), phase, stats, barrier));
                }

                var done = await Task.WhenAny(running);
                running.Remove(done);
                await CheckpointAsync(force: false);
            }

            if (running.Count > 0)
            {
                await Task.WhenAll(running);
            }

            if (state.State.Status is not JobStates.Running)
            {
                break;
            }

            if (phase + 1 < phases && !state.State.PhaseStats.ContainsKey(phase + 1))
            {
                // The dataset barrier: μ and σ over the barrier value (first chain's c) of every problem still running.
                var statistics = DatasetStatistics.FromScores(barrier.Values);
                state.State.PhaseStats[phase + 1] = new DatasetStats(statistics.Mean, statistics.StdDev, "dataset");
                LogBarrier(logger, spec.JobId, phase + 1, statistics.Mean, statistics.StdDev, barrier.Count);
            }

            state.State.Phase = phase + 1;
            await CheckpointAsync(force: true);
        }

        if (state.State.Status is JobStates.Running)
        {
            state.State.Status = JobStates.Completed;
            await UnregisterKeepAliveAsync();
        }

        await CheckpointAsync(force: true);
        LogJobFinished(logger, spec.JobId, state.State.Results.Count, state.State.Status);
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

    private async Task RunOneAsync(JobSpec spec, Problem problem, int phase, DatasetStats? stats, Dictionary<string, double> barrier)
    {
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
                        Complete(final);
                    }
                    else
                    {
                        barrier[problem.Id] = result.BarrierValue ?? 0;
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

            Complete(new RunResult(
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: run of {ProblemId} unreachable ({Fault}); retrying while the cluster recovers")]
    private static partial void LogClusterFault(ILogger logger, string jobId, string problemId, string fault);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: run of {ProblemId} failed (attempt {Attempt})")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string jobId, string problemId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: barrier before phase {Phase}: mu={Mean} sigma={StdDev} over {Count} problems")]
    private static partial void LogBarrier(ILogger logger, string jobId, int phase, double mean, double stdDev, int count);

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

    /// <summary>The phase being run.</summary>
    [Id(4)] public int Phase { get; set; }

    /// <summary>Barrier values reported per phase, by problem id.</summary>
    [Id(5)] public Dictionary<int, Dictionary<string, double>> Barriers { get; set; } = [];

    /// <summary>Statistics computed at each barrier, by the phase they feed.</summary>
    [Id(6)] public Dictionary<int, DatasetStats> PhaseStats { get; set; } = [];
}
