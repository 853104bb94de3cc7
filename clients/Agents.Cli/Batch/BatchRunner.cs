using System.Diagnostics;
using Agents.Contracts.Instructing;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Instructing;
using Agents.Core.Problems;
using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>
/// Runs <c>agents batch</c>: reads the dataset (reporting bad rows as <c>file:line: reason</c>), skips ids already in the
/// output, hands the rest to a <see cref="JobClient"/>, shows progress, and writes the summary. With
/// <paramref name="interrupts"/>, a second Ctrl-C soon after a cluster batch detached cancels the job.
/// </summary>
internal sealed class BatchRunner(IAnsiConsole console, TextWriter errors, Interrupts? interrupts = null)
{
    /// <summary>How long a detached cluster client waits for a second Ctrl-C that cancels the job.</summary>
    public static readonly TimeSpan CancelWindow = TimeSpan.FromSeconds(3);

    private bool _detached;

    /// <summary>
    /// <c>agents batch</c> as the command line asks: with <paramref name="export"/>, pages the results of job
    /// <c>--job</c> out to that file; otherwise runs the batch (input, strategy and output required).
    /// </summary>
    public async Task<int> RunOrExportAsync(BatchSettings settings, string? export, string order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (export is not null)
        {
            if (settings.JobId is not { } job)
            {
                await errors.WriteLineAsync("error: --export needs --job ID (and --cluster redis://HOST:PORT)");
                return ExitCodes.Error;
            }

            return await new JobTools(console, errors).ExportAsync(job, settings.Cluster, export, order, cancellationToken);
        }

        var missing = new[] { ("--input", settings.Input), ("--strategy", settings.Strategy), ("--output", settings.Output) }
            .Where(o => string.IsNullOrWhiteSpace(o.Item2)).Select(o => o.Item1).ToList();
        if (missing.Count > 0)
        {
            await errors.WriteLineAsync($"error: missing {string.Join(", ", missing)}");
            return ExitCodes.Error;
        }

        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            // The cluster refused the job (a model it does not list, a setting out of range): its reason, not a stack trace.
            await errors.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Error;
        }
        catch (TimeoutException ex) when (!string.IsNullOrWhiteSpace(settings.Cluster))
        {
            // No gateway answered (cluster down, wrong address, TLS settings that do not match): say so, not a stack trace.
            await errors.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}; finished results stay in the output file, rerun the same command to resume");
            return ExitCodes.Error;
        }
    }

    /// <summary>Runs the batch on its own connection (an embedded silo, or the cluster of <c>--cluster</c>).</summary>
    public Task<int> RunAsync(BatchSettings settings, CancellationToken cancellationToken) => RunAsync(settings, null, cancellationToken);

    /// <summary>Runs the batch on <paramref name="shared"/> when given (an experiment's strategies share one), else on its own.</summary>
    public async Task<int> RunAsync(BatchSettings settings, AgentsConnection? shared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!BatchPlan.TryCreate(settings, out var plan, out var planError))
        {
            await errors.WriteLineAsync($"error: {planError}");
            return ExitCodes.Error;
        }

        DatasetReadResult input;
        try
        {
            input = DatasetReader.Read(settings.Input);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"error: cannot read input: {ex.Message}");
            return ExitCodes.Error;
        }

        foreach (var error in plan.SeedErrors.Concat(input.Errors.Select(e => e.ToString())))
        {
            await errors.WriteLineAsync(error);
        }

        if (input.Errors.Length > 0)
        {
            await errors.WriteLineAsync($"{input.Errors.Length} input row(s) rejected; the {input.Problems.Length} good row(s) are solved.");
        }

        var spec = plan.Spec;
        var jobId = settings.JobId ?? StrategyRequest.DeriveJobId(Path.GetFullPath(settings.Input), spec);
        var stopwatch = Stopwatch.StartNew();
        var interrupted = false;
        var newRuns = 0;
        await using (var output = ResumableOutput.Open(settings.Output, plan.Embedded ? settings.Transcripts ?? ResumableOutput.SidePath(settings.Output, ".transcripts.jsonl") : null))
        {
            var todo = input.Problems.Where(p => !output.Contains(p.Id)).ToImmutableArray();
            if (todo.Length == 0)
            {
                console.MarkupLine($"[grey]All {input.Problems.Length} problems already have results in {Markup.Escape(settings.Output)}; 0 new runs.[/]");
            }
            else
            {
                if (output.Existing.Count > 0)
                {
                    console.MarkupLine($"[grey]Resuming: {output.Existing.Count} problems already in {Markup.Escape(settings.Output)}, {todo.Length} to run.[/]");
                }

                var rejected = input.Errors.Select(e => new RejectedRow(e.File, e.Line, e.Reason)).ToList();
                try
                {
                    newRuns = await SolveAsync(settings, plan, new JobSpec(jobId, spec, settings.Concurrency, settings.MaxAttempts), todo, rejected, output, shared, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    interrupted = true;
                    newRuns = output.Appended;
                }
            }
        }

        var summary = BatchSummary.From(
            OutputFile.ReadAndRepair(settings.Output), spec.Name, string.IsNullOrEmpty(spec.Model) ? "sim" : spec.Model,
            plan.Embedded ? "embedded" : "cluster", jobId, input.Errors.Length, newRuns, stopwatch.Elapsed.TotalSeconds, BatchSummary.SwitchesOf(spec));
        summary.Write(ResumableOutput.SidePath(settings.Output, ".summary.json"));
        console.Write(summary.ToTable());
        if (interrupted)
        {
            if (!_detached)
            {
                await errors.WriteLineAsync("interrupted: finished results are saved; rerun the same command to resume.");
            }

            return ExitCodes.Interrupted;
        }

        return input.Errors.Length > 0 ? ExitCodes.InputRejected : ExitCodes.Ok;
    }

    /// <summary>What a detached cluster client prints: the job goes on; how to look at it and re-attach.</summary>
    public static string DetachMessage(string jobId, string cluster) =>
        $"detached; job {jobId} keeps running — `agents job status {jobId} --cluster {cluster}` or rerun with --job {jobId} to re-attach";

    /// <summary>What a second Ctrl-C prints once it has cancelled the job.</summary>
    public static string CancelMessage(string jobId) =>
        $"second Ctrl-C: job {jobId} cancelled; no new runs start and the runs in flight finish";

    private async Task<int> SolveAsync(
        BatchSettings settings, BatchPlan plan, JobSpec job, ImmutableArray<Problem> todo, List<RejectedRow> rejected, ResumableOutput output,
        AgentsConnection? shared, CancellationToken cancellationToken)
    {
        await using var owned = shared is null ? await AgentsConnection.OpenAsync(settings.Cluster, plan.Configuration, cancellationToken) : null;
        var connection = shared ?? owned!;
        using var secondPress = connection.Embedded ? null : interrupts?.ClaimSecondPress();
        var jobs = new JobClient(connection.Grains, warn: errors.WriteLine);
        if (plan.MemorySeed.Length > 0)
        {
            // The iort runs of this job read the memory named after the job; pairs already there are not added again.
            var added = await jobs.SeedMetaMemoryAsync(job.JobId, plan.MemorySeed.Select(e => new MetaExampleRecord(e.Question, e.MetaThought)));
            console.MarkupLine($"[grey]Meta-memory {Markup.Escape(job.JobId)}: {added} of {plan.MemorySeed.Length} seed pair(s) added.[/]");
        }

        await jobs.UploadAsync(job, todo, rejected);
        if (!connection.Embedded)
        {
            console.MarkupLine($"Job [bold]{Markup.Escape(job.JobId)}[/] started on {Markup.Escape(connection.Description)}.");
        }

        try
        {
            return await FollowAsync(jobs, job, todo, output, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !connection.Embedded)
        {
            // Ctrl-C in cluster mode detaches: the job lives in the cluster (kept going by its reminder), only the
            // client stops polling. Said before the client disconnects, so it shows even if the process is cut short.
            _detached = true;
            await errors.WriteLineAsync(DetachMessage(job.JobId, connection.Description));
            if (interrupts is not null)
            {
                await errors.WriteLineAsync($"press Ctrl-C again within {CancelWindow.TotalSeconds:0} s to cancel job {job.JobId} instead");
                if (await Task.WhenAny(interrupts.Second, Task.Delay(CancelWindow, CancellationToken.None)) == interrupts.Second)
                {
                    await jobs.CancelAsync(job.JobId);
                    await errors.WriteLineAsync(CancelMessage(job.JobId));
                }
            }

            throw;
        }
    }

    private async Task<int> FollowAsync(JobClient jobs, JobSpec job, ImmutableArray<Problem> todo, ResumableOutput output, CancellationToken cancellationToken)
    {
        var spec = job.Strategy;
        var written = 0;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{spec.Name} k={spec.K}", maxValue: todo.Length);
                written = await jobs.AttachAsync(job.JobId, spec, todo, output, now =>
                {
                    task.Value = now.Written;
                    if (now.Job is { } p)
                    {
                        task.Description = $"{spec.Name} phase {p.Phase + 1}/{p.Phases} ({p.PhaseDone}/{p.Total})";
                    }
                }, cancellationToken);
                task.StopTask();
            });
        return written;
    }
}
