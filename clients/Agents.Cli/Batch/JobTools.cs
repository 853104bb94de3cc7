using System.Text;
using System.Text.Json;
using Agents.Cli.Hosting;
using Agents.Contracts.Jobs;
using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>
/// <c>agents job status|cancel</c> and <c>agents batch --job ID --export FILE</c>: talk to a batch job on a cluster
/// without running anything (embedded jobs die with their process, so these need <c>--cluster</c>).
/// </summary>
internal sealed class JobTools(IAnsiConsole console, TextWriter errors)
{
    private const int PageSize = 1000;

    /// <summary>Prints the job's progress table.</summary>
    public async Task<int> StatusAsync(string jobId, string? cluster, CancellationToken cancellationToken)
    {
        if (!await CheckClusterAsync(cluster))
        {
            return ExitCodes.Error;
        }

        try
        {
            await using var connection = await AgentsConnection.OpenAsync(cluster, new Dictionary<string, string?>(), cancellationToken);
            var progress = await connection.Grains.GetGrain<IBatchJobGrain>(jobId).GetProgressAsync();
            if (IsUnknown(progress))
            {
                await errors.WriteLineAsync($"error: no job '{jobId}' on {cluster}");
                return ExitCodes.Error;
            }

            console.Write(Render(jobId, progress));
            if (progress.Rejected > 0)
            {
                console.MarkupLine($"{progress.Rejected} input row(s) were rejected before upload; the first {progress.RejectedFirst.Length}:");
                foreach (var row in progress.RejectedFirst)
                {
                    console.MarkupLine($"  {Markup.Escape(row.ToString())}");
                }
            }

            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await errors.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>Cancels the job: no new runs start; runs in flight finish.</summary>
    public async Task<int> CancelAsync(string jobId, string? cluster, CancellationToken cancellationToken)
    {
        if (!await CheckClusterAsync(cluster))
        {
            return ExitCodes.Error;
        }

        try
        {
            await using var connection = await AgentsConnection.OpenAsync(cluster, new Dictionary<string, string?>(), cancellationToken);
            var job = connection.Grains.GetGrain<IBatchJobGrain>(jobId);
            if (IsUnknown(await job.GetProgressAsync()))
            {
                await errors.WriteLineAsync($"error: no job '{jobId}' on {cluster}");
                return ExitCodes.Error;
            }

            await job.CancelAsync();
            var progress = await job.GetProgressAsync();
            console.MarkupLine($"Job [bold]{Markup.Escape(jobId)}[/] is {Markup.Escape(progress.State)}: {progress.Completed} of {progress.Total} done, {progress.InFlight} run(s) in flight finish.");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await errors.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>Writes every result the job has into <paramref name="file"/>, in input (upload) or completion order.</summary>
    public async Task<int> ExportAsync(string jobId, string? cluster, string file, string order, CancellationToken cancellationToken)
    {
        if (order is not ("input" or "completion"))
        {
            await errors.WriteLineAsync($"error: --order must be input or completion, got '{order}'");
            return ExitCodes.Error;
        }

        if (!await CheckClusterAsync(cluster))
        {
            return ExitCodes.Error;
        }

        try
        {
            await using var connection = await AgentsConnection.OpenAsync(cluster, new Dictionary<string, string?>(), cancellationToken);
            var job = connection.Grains.GetGrain<IBatchJobGrain>(jobId);
            var progress = await job.GetProgressAsync();
            if (IsUnknown(progress))
            {
                await errors.WriteLineAsync($"error: no job '{jobId}' on {cluster}");
                return ExitCodes.Error;
            }

            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            // Pages are streamed to the file: the job reads one chunk of marks or results per page, the client holds one page.
            var exported = 0;
            await using (var output = new StreamWriter(file, append: false, new UTF8Encoding(false)))
            {
                var next = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var page = order == "input" ? await job.GetResultsInInputOrderAsync(next, PageSize) : await job.GetResultsAsync(next, PageSize);
                    foreach (var result in page.Results)
                    {
                        await output.WriteLineAsync(JsonSerializer.Serialize(OutputRow.From(result, jobId), OutputRow.Json));
                    }

                    exported += page.Results.Length;
                    if (page.Finished || page.Next == next)
                    {
                        break;
                    }

                    next = page.Next;
                }
            }

            console.MarkupLine($"Exported {exported} of {progress.Total} result(s) of job [bold]{Markup.Escape(jobId)}[/] ({Markup.Escape(progress.State)}) to {Markup.Escape(file)} in {order} order.");
            if (progress.State is not (JobStateNames.Completed or JobStateNames.Cancelled))
            {
                await errors.WriteLineAsync($"note: job {jobId} is still {progress.State}; export again later for the rest.");
            }

            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await errors.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}");
            return ExitCodes.Error;
        }
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

    // A job that was never created reads as empty and "created".
    private static bool IsUnknown(JobProgress progress) => progress.Total == 0 && progress.State == JobStateNames.Created;

    private async Task<bool> CheckClusterAsync(string? cluster)
    {
        if (!string.IsNullOrWhiteSpace(cluster))
        {
            return true;
        }

        await errors.WriteLineAsync("error: --cluster redis://HOST:PORT is required (embedded jobs end with the process that ran them)");
        return false;
    }
}

/// <summary>Job status names as the job grain reports them.</summary>
internal static class JobStateNames
{
    /// <summary>Created; problems being uploaded.</summary>
    public const string Created = "created";

    /// <summary>Every problem has a result.</summary>
    public const string Completed = "completed";

    /// <summary>Cancelled by the user.</summary>
    public const string Cancelled = "cancelled";
}
