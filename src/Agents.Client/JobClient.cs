using System.Runtime.CompilerServices;
using Agents.Contracts.Instructing;
using Agents.Core.Jobs;
using Agents.Grains.Jobs;

namespace Agents.Client;

/// <summary>How a <see cref="JobClient"/> talks to batch jobs; the defaults are what <c>agents batch</c> uses.</summary>
public sealed record JobClientOptions
{
    /// <summary>Problems (and rejected rows) per upload call.</summary>
    public int UploadChunk { get; init; } = 1000;

    /// <summary>Results asked for per page while following a job.</summary>
    public int FollowPageSize { get; init; } = 500;

    /// <summary>Results asked for per page while exporting a job.</summary>
    public int ExportPageSize { get; init; } = 1000;

    /// <summary>The wait after an empty page before asking again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a job that does not answer is asked again: while a lost silo is being declared dead (several seconds)
    /// calls to grains it hosted fail, and the job resumes from its last checkpoint on another silo.
    /// </summary>
    public TimeSpan RecoveryWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait between two attempts inside <see cref="RecoveryWindow"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Which order a job's results are paged out in.</summary>
public enum ResultOrder
{
    /// <summary>The order the runs finished in (the order a follower sees them).</summary>
    Completion,

    /// <summary>The order of the input lines.</summary>
    Input,
}

/// <summary>Where a follow stands: rows written, and the job's progress when it was asked (multi-phase jobs only).</summary>
public sealed record FollowProgress(int Written, JobProgress? Job);

/// <summary>
/// Talks to batch job grains: upload, follow (page with recovery), reconcile, cancel, export and delete. One implementation for
/// the CLI and the HTTP API; it holds no state of its own beyond its options, so one instance can serve many jobs.
/// </summary>
/// <param name="grains">The grain factory of an embedded silo or of a cluster client.</param>
/// <param name="options">Chunk sizes and timings; null = the defaults.</param>
/// <param name="time">The clock behind poll and retry waits; null = the system clock.</param>
/// <param name="warn">Where recoverable trouble is reported (one line each); null = nowhere.</param>
public sealed class JobClient(IGrainFactory grains, JobClientOptions? options = null, TimeProvider? time = null, Action<string>? warn = null)
{
    private readonly JobClientOptions _options = options ?? new JobClientOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The job grain of <paramref name="jobId"/>.</summary>
    public IBatchJobGrain Job(string jobId) => grains.GetGrain<IBatchJobGrain>(jobId);

    /// <summary>Adds the seed pairs to the IoRT meta-memory named after the job; returns how many were new.</summary>
    public Task<int> SeedMetaMemoryAsync(string jobId, IEnumerable<MetaExampleRecord> examples) =>
        grains.GetGrain<IMetaMemoryGrain>(jobId).SeedAsync([.. examples]);

    /// <summary>Creates the job, uploads its problems and the rows rejected at read time in chunks, and starts it.</summary>
    public async Task UploadAsync(JobSpec spec, IReadOnlyList<Problem> problems, IReadOnlyList<RejectedRow> rejected)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(rejected);
        var job = Job(spec.JobId);
        await job.CreateAsync(spec);
        var chunk = _options.UploadChunk;
        for (var i = 0; i * chunk < problems.Count; i++)
        {
            await job.AddProblemsAsync(i, [.. problems.Skip(i * chunk).Take(chunk)]);
        }

        // The rejected rows go into the job's record too (job status shows them).
        for (var i = 0; i * chunk < rejected.Count; i++)
        {
            await job.AddRejectedAsync(i, [.. rejected.Skip(i * chunk).Take(chunk)]);
        }

        await job.StartAsync();
    }

    /// <summary>The job's progress, or null when no job of that id was ever created.</summary>
    public async Task<JobProgress?> GetProgressAsync(string jobId)
    {
        var progress = await Job(jobId).GetProgressAsync();
        return IsUnknown(progress) ? null : progress;
    }

    /// <summary>One page of results from <paramref name="from"/> on.</summary>
    public Task<ResultPage> PageAsync(string jobId, int from, int limit, ResultOrder order = ResultOrder.Completion) =>
        order == ResultOrder.Input ? Job(jobId).GetResultsInInputOrderAsync(from, limit) : Job(jobId).GetResultsAsync(from, limit);

    /// <summary>Cancels the job (no new runs start; runs in flight finish) and returns its progress after.</summary>
    public async Task<JobProgress> CancelAsync(string jobId)
    {
        var job = Job(jobId);
        await job.CancelAsync();
        return await job.GetProgressAsync();
    }

    /// <summary>
    /// Deletes a job that is not running (its problems, results, rejected rows and runs); <see cref="InvalidOperationException"/>
    /// while it runs. Afterwards <see cref="GetProgressAsync"/> answers null and the id can be used again.
    /// </summary>
    public Task DeleteAsync(string jobId) => Job(jobId).DeleteAsync();

    /// <summary>
    /// Pages through the job's results in completion order from <paramref name="from"/> until the job says it is finished,
    /// waiting <see cref="JobClientOptions.PollInterval"/> after an empty page and asking a job that does not answer
    /// again for up to <see cref="JobClientOptions.RecoveryWindow"/>. Empty pages are yielded too, so a caller can show progress.
    /// </summary>
    public async IAsyncEnumerable<ResultPage> FollowAsync(string jobId, int from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var job = Job(jobId);
        var next = from;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await WithRecoveryAsync(() => job.GetResultsAsync(next, _options.FollowPageSize), cancellationToken);
            next = page.Next;
            yield return page;
            if (page.Finished)
            {
                yield break;
            }

            if (page.Results.Length == 0)
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Follows the job into <paramref name="output"/> (skipping ids it already has, e.g. after a client restart), then
    /// reconciles: every problem of <paramref name="uploaded"/> ends up in the output once. Returns the rows written.
    /// </summary>
    public async Task<int> AttachAsync(
        string jobId, StrategySpec spec, IReadOnlyList<Problem> uploaded, ResumableOutput output, Action<FollowProgress>? onProgress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var written = 0;
        var phases = (await WithRecoveryAsync(() => Job(jobId).GetProgressAsync(), cancellationToken)).Phases;
        await foreach (var page in FollowAsync(jobId, 0, cancellationToken))
        {
            foreach (var result in page.Results.Where(r => !output.Contains(r.ProblemId)))
            {
                var transcript = output.TranscriptsPath is null ? (ImmutableArray<TranscriptEntry>?)null : await GetTranscriptAsync(jobId, result.ProblemId);
                if (await output.AppendAsync(result, jobId, transcript, cancellationToken))
                {
                    written++;
                }
            }

            await output.FlushAsync(cancellationToken);
            // Asked with the same recovery as the pages: the job's silo may be the one being lost.
            var progress = page.Results.Length == 0 && phases > 1 && !page.Finished
                ? await WithRecoveryAsync(() => Job(jobId).GetProgressAsync(), cancellationToken)
                : null;
            onProgress?.Invoke(new FollowProgress(written, progress));
        }

        await foreach (var result in ReconcileAsync(jobId, spec, [.. uploaded.Where(p => !output.Contains(p.Id))], cancellationToken))
        {
            // As before the split: a reconciled row has no transcript line (its run may be the part that failed).
            if (await output.AppendAsync(result, jobId, null, cancellationToken))
            {
                written++;
            }
        }

        await output.FlushAsync(cancellationToken);
        await MarkExportedAsync(jobId, cancellationToken);
        return written;
    }

    /// <summary>
    /// The results of problems the job did not page out (e.g. one recorded by an activation that a silo failure
    /// replaced), asked of their run grains, which answer idempotently; a failed result where the run cannot answer.
    /// </summary>
    public async IAsyncEnumerable<RunResult> ReconcileAsync(
        string jobId, StrategySpec spec, IReadOnlyList<Problem> missing, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(missing);
        foreach (var problem in missing)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunResult result;
            try
            {
                result = await grains.GetGrain<IProblemRunGrain>($"{jobId}/{problem.Id}").RunAsync(new RunRequest(jobId, problem, spec), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = FailedRun.For(problem, spec.Name, 0,
                    $"not reported by the job and not recoverable from its run: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}")
                    with { Details = ImmutableDictionary<string, string>.Empty };
            }

            warn?.Invoke($"warning: {problem.Id} was missing from the job's results; took it from its run ({result.Status})");
            yield return result;
        }
    }

    /// <summary>Every result the job has, in <paramref name="order"/>, one page at a time.</summary>
    public async IAsyncEnumerable<RunResult> ExportAsync(string jobId, ResultOrder order, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await PageAsync(jobId, next, _options.ExportPageSize, order);
            foreach (var result in page.Results)
            {
                yield return result;
            }

            if (page.Finished)
            {
                await MarkExportedAsync(jobId, cancellationToken);
                yield break;
            }

            if (page.Next == next)
            {
                yield break;
            }

            next = page.Next;
        }
    }

    /// <summary>A run's recorded result, or null while it has not finished (never starts it).</summary>
    public Task<RunResult?> GetResultAsync(string jobId, string problemId) =>
        grains.GetGrain<IProblemRunGrain>($"{jobId}/{problemId}").GetResultAsync();

    /// <summary>The agent conversation of one problem's run.</summary>
    public Task<ImmutableArray<TranscriptEntry>> GetTranscriptAsync(string jobId, string problemId) =>
        grains.GetGrain<IProblemRunGrain>($"{jobId}/{problemId}").GetTranscriptAsync();

    // Every result is in the caller's hands: the job's runs may drop their memoized steps now (retention). Asked with the
    // same recovery as the pages; a job that cannot take it now drops them after the retention age instead.
    private Task<bool> MarkExportedAsync(string jobId, CancellationToken cancellationToken) =>
        WithRecoveryAsync(() => Job(jobId).ResultsExportedAsync(), cancellationToken);

    // A job that was never created reads as empty and "created".
    private static bool IsUnknown(JobProgress progress) => progress.Total == 0 && progress.State == JobStates.Created;

    private async Task<T> WithRecoveryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.RecoveryWindow;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is not OperationCanceledException && _time.GetUtcNow() < deadline)
            {
                warn?.Invoke($"warning: the job did not answer ({ex.GetType().Name}); retrying while the cluster recovers");
                await Task.Delay(_options.RetryInterval, _time, cancellationToken);
            }
        }
    }
}
