using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Api.Gateway;
using Agents.Client;
using Agents.Contracts.Jobs;
using Agents.Contracts.Runs;
using Agents.Core.Problems;

namespace Agents.Api.Rest;

/// <summary>The settings of a job submission, from the query string (<c>strategy</c>, <c>model</c>, <c>k</c>, <c>option=key=value</c>, …).</summary>
/// <param name="Strategy">The strategy request, validated into a spec by the same code as <c>agents batch</c>.</param>
/// <param name="BaseModel">The served base model asked for ("" = the silos' default).</param>
/// <param name="JobId">An explicit job id, or null to derive one from the dataset and settings.</param>
/// <param name="Concurrency">Runs in flight.</param>
/// <param name="MaxAttempts">Attempts per problem.</param>
/// <param name="Name">The dataset's name in rejections (<c>name:line: reason</c>).</param>
public sealed record JobSubmission(StrategyRequest Strategy, string BaseModel, string? JobId, int Concurrency, int MaxAttempts, string Name);

/// <summary>
/// Jobs over HTTP, on top of the shared <see cref="JobClient"/> (upload, progress, paging, follow, cancel, transcripts):
/// this service only spools uploads, reads them with the CLI's dataset reader and shapes answers. Pages can reuse it.
/// </summary>
public sealed class JobService(JobClient jobs, ServedModels models, JobCatalog catalog, TimeProvider time)
{
    /// <summary>How many rejection reasons a submission answer lists.</summary>
    public const int RejectedShown = 20;

    /// <summary>Spools the dataset to a temporary file, reads it as <c>agents batch</c> does, uploads and starts the job.</summary>
    public async Task<JsonObject> SubmitAsync(JobSubmission submission, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(body);
        var request = submission.Strategy;
        if (submission.BaseModel.Length > 0)
        {
            var served = await models.FindAsync(submission.BaseModel)
                ?? throw new OpenAIErrorException(OpenAIError.Invalid($"model '{submission.BaseModel}' is not served here (GET /v1/models)", "model", "model_not_found"));
            request = request with { Model = served.Spec };
        }

        StrategySpec spec;
        try
        {
            spec = request.ToSpec();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new OpenAIErrorException(OpenAIError.Invalid(ex.Message.Replace("--", "", StringComparison.Ordinal), null));
        }

        await using var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), "agents-upload-" + Guid.NewGuid().ToString("n")), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await body.CopyToAsync(spool, cancellationToken);
        if (spool.Length == 0)
        {
            throw new OpenAIErrorException(OpenAIError.Invalid("the body is empty: send the dataset as JSONL or a JSON array", null));
        }

        spool.Position = 0;
        var hash = await HashAsync(spool, cancellationToken);
        spool.Position = 0;
        var read = DatasetReader.Read(spool, submission.Name, DatasetReaderOptions.Default);
        var id = submission.JobId ?? StrategyRequest.DeriveJobId($"upload#{hash}", spec);
        await jobs.UploadAsync(
            new JobSpec(id, spec, submission.Concurrency, submission.MaxAttempts), read.Problems,
            [.. read.Errors.Select(e => new RejectedRow(e.File, e.Line, e.Reason))]);
        catalog.AddJob(new CatalogEntry(id, spec.Name, submission.BaseModel, time.GetUtcNow()));
        var progress = await jobs.GetProgressAsync(id);
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = Status(progress),
            ["problems"] = read.Problems.Length,
            ["rejected_rows"] = read.Errors.Length,
            ["rejected"] = new JsonArray([.. read.Errors.Take(RejectedShown).Select(e => (JsonNode)e.ToString())]),
        };
    }

    /// <summary>The status of a job, or null when no job of that id exists.</summary>
    public async Task<JsonObject?> StatusAsync(string id)
    {
        var progress = await jobs.GetProgressAsync(id);
        if (progress is null)
        {
            return null;
        }

        var entry = catalog.Job(id);
        var done = progress.Completed + progress.Failed;
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = Status(progress),
            ["strategy"] = entry?.Strategy,
            ["model"] = entry?.Model,
            ["problems"] = progress.Total,
            ["done"] = done,
            ["correct"] = progress.Correct,
            ["failed"] = progress.Failed,
            ["in_flight"] = progress.InFlight,
            ["phase"] = progress.Phase,
            ["phases"] = progress.Phases,
            ["rejected_rows"] = progress.Rejected,
            ["accuracy"] = done == 0 ? null : Math.Round((double)progress.Correct / done, 4),
            ["started_at"] = entry?.StartedAt,
            ["fault"] = progress.Fault,
        };
    }

    /// <summary>Every job this host started, with its status.</summary>
    public async Task<JsonArray> ListAsync()
    {
        var statuses = await Task.WhenAll(catalog.Jobs.Select(e => StatusAsync(e.Id)));
        return new JsonArray([.. statuses.Where(s => s is not null).Select(s => (JsonNode)s!)]);
    }

    /// <summary>One page of results as <c>agents batch</c> writes its rows; <c>next</c> is null once the job is finished and paged out.</summary>
    public async Task<JsonObject> ResultsAsync(string id, ResultOrder order, int offset, int limit)
    {
        var page = await jobs.PageAsync(id, offset, limit, order);
        var rows = new JsonArray([.. page.Results.Select(r => JsonSerializer.SerializeToNode(OutputRow.From(r, id), OutputRow.Json))]);
        var exhausted = page.Finished && page.Results.Length < limit;
        return new JsonObject { ["results"] = rows, ["next"] = exhausted ? null : page.Next };
    }

    /// <summary>Cancels a job: no new runs start, runs in flight finish.</summary>
    public async Task<JsonObject> CancelAsync(string id)
    {
        await jobs.CancelAsync(id);
        return (await StatusAsync(id))!;
    }

    /// <summary>A run's transcript and, once it finished, its result and ledger; null when the run never started.</summary>
    public async Task<JsonObject?> RunAsync(string jobId, string problemId)
    {
        var transcript = await jobs.GetTranscriptAsync(jobId, problemId);
        var result = await jobs.GetResultAsync(jobId, problemId);
        if (transcript.IsEmpty && result is null)
        {
            return null;
        }

        return new JsonObject
        {
            ["job"] = jobId,
            ["problem"] = problemId,
            ["result"] = result is null ? null : JsonSerializer.SerializeToNode(OutputRow.From(result, jobId), OutputRow.Json),
            ["ledger"] = result is null ? null : JsonSerializer.SerializeToNode(result.Ledger.Select(l => new
            {
                role = l.Role,
                round = l.Round,
                calls = l.Usage.Calls,
                samples = l.Usage.Samples,
                prompt_tokens = l.Usage.PromptTokens,
                completion_tokens = l.Usage.CompletionTokens,
            })),
            ["messages"] = JsonSerializer.SerializeToNode(transcript, OutputRow.Json),
        };
    }

    /// <summary>The job's results page by page until it ends (the shared follow loop), for the events stream.</summary>
    public IAsyncEnumerable<ResultPage> FollowAsync(string id, CancellationToken cancellationToken) => jobs.FollowAsync(id, 0, cancellationToken);

    /// <summary>The job's progress, or null.</summary>
    public Task<JobProgress?> ProgressAsync(string id) => jobs.GetProgressAsync(id);

    /// <summary>The most results one page may ask for.</summary>
    public int MaxPage => 1000;

    /// <summary>The contract's status words: running, completed or cancelled.</summary>
    public static string Status(JobProgress? progress) => progress?.State switch
    {
        "completed" => "completed",
        "cancelled" => "cancelled",
        _ => "running",
    };

    private static async Task<string> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        var hash = new XxHash64();
        await hash.AppendAsync(stream, cancellationToken);
        return hash.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);
    }
}
