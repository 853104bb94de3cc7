using System.Text;
using System.Text.Json;
using Agents.Contracts.Jobs;
using Agents.Grains.Jobs;
using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>
/// <c>agents job status|cancel|delete</c> and <c>agents batch --job ID --export FILE</c>: talk to a batch job on a cluster
/// through a <see cref="JobClient"/> without running anything (embedded jobs die with their process, so these need <c>--cluster</c>).
/// </summary>
internal sealed class JobTools(IAnsiConsole console, TextWriter errors)
{
    /// <summary>Prints the job's progress table.</summary>
    public Task<int> StatusAsync(string jobId, string? cluster, CancellationToken cancellationToken) =>
        WithJobAsync(jobId, cluster, (_, progress) =>
        {
            console.Write(Render(jobId, progress));
            if (progress.StepsDropped)
            {
                console.MarkupLine("the runs' memoized steps were dropped (results exported or retention age passed); results and transcripts stay");
            }

            if (progress.Fault is { } fault)
            {
                console.MarkupLine($"last fault of the job's driver (it goes on by itself): {Markup.Escape(fault)}");
            }
            if (progress.Rejected > 0)
            {
                console.MarkupLine($"{progress.Rejected} input row(s) were rejected before upload; the first {progress.RejectedFirst.Length}:");
                foreach (var row in progress.RejectedFirst)
                {
                    console.MarkupLine($"  {Markup.Escape(row.ToString())}");
                }
            }

            return Task.FromResult(ExitCodes.Ok);
        }, cancellationToken);

    /// <summary>Cancels the job: no new runs start; runs in flight finish.</summary>
    public Task<int> CancelAsync(string jobId, string? cluster, CancellationToken cancellationToken) =>
        WithJobAsync(jobId, cluster, async (jobs, _) =>
        {
            var progress = await jobs.CancelAsync(jobId);
            console.MarkupLine($"Job [bold]{Markup.Escape(jobId)}[/] is {Markup.Escape(progress.State)}: {progress.Completed} of {progress.Total} done, {progress.InFlight} run(s) in flight finish.");
            return ExitCodes.Ok;
        }, cancellationToken);

    /// <summary>Deletes a job that is not running: its problems, results and runs; the id can then be used again.</summary>
    public Task<int> DeleteAsync(string jobId, string? cluster, CancellationToken cancellationToken) =>
        WithJobAsync(jobId, cluster, async (jobs, progress) =>
        {
            try
            {
                await jobs.DeleteAsync(jobId);
            }
            catch (InvalidOperationException ex)
            {
                await errors.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.Error;
            }

            console.MarkupLine($"Deleted job [bold]{Markup.Escape(jobId)}[/] ({Markup.Escape(progress.State)}, {progress.Total} problem(s), {progress.Completed} result(s)).");
            return ExitCodes.Ok;
        }, cancellationToken);

    /// <summary>Writes every result the job has into <paramref name="file"/>, in input (upload) or completion order.</summary>
    public async Task<int> ExportAsync(string jobId, string? cluster, string file, string order, CancellationToken cancellationToken)
    {
        if (order is not ("input" or "completion"))
        {
            await errors.WriteLineAsync($"error: --order must be input or completion, got '{order}'");
            return ExitCodes.Error;
        }

        return await WithJobAsync(jobId, cluster, async (jobs, progress) =>
        {
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            // Pages are streamed to the file: the job reads one chunk of marks or results per page, the client holds one page.
            var exported = 0;
            await using (var output = new StreamWriter(file, append: false, new UTF8Encoding(false)))
            {
                await foreach (var result in jobs.ExportAsync(jobId, order == "input" ? ResultOrder.Input : ResultOrder.Completion, cancellationToken))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(OutputRow.From(result, jobId), OutputRow.Json));
                    exported++;
                }
            }

            console.MarkupLine($"Exported {exported} of {progress.Total} result(s) of job [bold]{Markup.Escape(jobId)}[/] ({Markup.Escape(progress.State)}) to {Markup.Escape(file)} in {order} order.");
            if (progress.State is not (JobStates.Completed or JobStates.Cancelled))
            {
                await errors.WriteLineAsync($"note: job {jobId} is still {progress.State}; export again later for the rest.");
            }

            return ExitCodes.Ok;
        }, cancellationToken);
    }

    /// <summary>The progress table.</summary>
    public static Table Render(string jobId, JobProgress progress)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"job {Markup.Escape(jobId)}");
        table.AddColumns("total", "completed", "failed", "in flight", "correct", "phase", "state");
        table.AddRow(
            $"{progress.Total}", $"{progress.Completed}", $"{progress.Failed}", $"{progress.InFlight}", $"{progress.Correct}",
            progress.Phases > 1 ? $"{Math.Min(progress.Phase + 1, progress.Phases)}/{progress.Phases} ({progress.PhaseDone} through)" : "1/1",
            Markup.Escape(progress.State));
        return table;
    }

    // Connects to the cluster, checks the job exists and runs the action with a client and the job's progress.
    private async Task<int> WithJobAsync(
        string jobId, string? cluster, Func<JobClient, JobProgress, Task<int>> action, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(cluster))
        {
            await errors.WriteLineAsync("error: --cluster redis://HOST:PORT is required (embedded jobs end with the process that ran them)");
            return ExitCodes.Error;
        }

        try
        {
            await using var connection = await AgentsConnection.OpenAsync(cluster, new Dictionary<string, string?>(), cancellationToken);
            var jobs = new JobClient(connection.Grains);
            if (await jobs.GetProgressAsync(jobId) is not { } progress)
            {
                await errors.WriteLineAsync($"error: no job '{jobId}' on {cluster}");
                return ExitCodes.Error;
            }

            return await action(jobs, progress);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await errors.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}");
            return ExitCodes.Error;
        }
    }
}
