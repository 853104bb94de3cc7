using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Agents.Api.Gateway;
using Agents.Api.Hosting;
using Agents.Client;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Agents.Api.Rest;

/// <summary>Jobs as resources: submit a dataset, list, status, results in either order, progress events, cancel, runs.</summary>
public static class JobsEndpoints
{
    /// <summary>Maps <c>/api/jobs…</c>.</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync)
            .WithSummary("Creates a job from a dataset body (JSONL or a JSON array); strategy, model, k, rounds, seed, temperature, concurrency, max_attempts, job, name and option=key=value in the query")
            .Accepts<string>("application/x-ndjson", "application/json");
        jobs.MapGet("/", async (JobService service) => Json(await service.ListAsync()))
            .WithSummary("Every job this host started, with its status");
        jobs.MapGet("/{id}", async (string id, JobService service) => await service.StatusAsync(id) is { } status ? Json(status) : NotFound(id))
            .WithSummary("A job's status and live counters");
        jobs.MapGet("/{id}/results", ResultsAsync)
            .WithSummary("A page of results (rows exactly as agents batch writes them) in input or completion order");
        jobs.MapGet("/{id}/events", EventsAsync)
            .WithSummary("Server-sent progress events (progress, result, end) until the job ends");
        jobs.MapDelete("/{id}", async (string id, JobService service) => await service.ProgressAsync(id) is null ? NotFound(id) : Json(await service.CancelAsync(id)))
            .WithSummary("Cancels a job: no new runs start, runs in flight finish");
        jobs.MapGet("/{id}/runs/{problem}", async (string id, string problem, JobService service) =>
                await service.RunAsync(id, problem) is { } run
                    ? Json(run)
                    : new OpenAIError(StatusCodes.Status404NotFound, $"no run {id}/{problem}", "invalid_request_error", "problem", "not_found").ToResult())
            .WithSummary("A run's transcript (every agent message) and ledger; gateway runs are here too (their trace link)");
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobService service, IOptions<ApiOptions> options)
    {
        // Datasets may be far larger than other bodies: this route raises the cap for itself only.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxDatasetBytes;
        }

        var query = context.Request.Query;
        try
        {
            var strategy = ParseStrategy(query);
            var submission = new JobSubmission(
                strategy,
                query["model"].ToString(),
                query["job"].ToString() is { Length: > 0 } job ? job : null,
                Int(query, "concurrency") ?? 16,
                Int(query, "max_attempts") ?? 3,
                query["name"].ToString() is { Length: > 0 } name ? name : "upload");
            if (submission.Concurrency is < 1 or > 10_000 || submission.MaxAttempts is < 1 or > 100)
            {
                throw Invalid("concurrency must be 1..10000 and max_attempts 1..100", "concurrency");
            }

            var created = await service.SubmitAsync(submission, context.Request.Body, context.RequestAborted);
            return Results.Text(created.ToJsonString(), "application/json", Encoding.UTF8, StatusCodes.Status201Created);
        }
        catch (OpenAIErrorException ex)
        {
            return ex.Error.ToResult();
        }
        catch (BadHttpRequestException ex)
        {
            return new OpenAIError(ex.StatusCode, $"the dataset was refused: {ex.Message}", "invalid_request_error").ToResult();
        }
    }

    private static async Task<IResult> ResultsAsync(string id, JobService service, string? order, int? offset, int? limit)
    {
        if (await service.ProgressAsync(id) is null)
        {
            return NotFound(id);
        }

        var resultOrder = order switch
        {
            null or "input" => ResultOrder.Input,
            "completion" => ResultOrder.Completion,
            _ => (ResultOrder?)null,
        };
        if (resultOrder is null || offset is < 0 || limit is < 1 || limit > service.MaxPage)
        {
            return OpenAIError.Invalid($"order is input|completion, offset ≥ 0, limit 1..{service.MaxPage}", "order").ToResult();
        }

        return Json(await service.ResultsAsync(id, resultOrder.Value, offset ?? 0, limit ?? 100));
    }

    // progress after every page, result per finished row, end when the job is finished; the shared follow loop pages.
    private static async Task EventsAsync(string id, HttpContext context, JobService service)
    {
        if (await service.ProgressAsync(id) is null)
        {
            await NotFound(id).ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancellationToken = context.RequestAborted;
        string? last = null;
        try
        {
            await foreach (var page in service.FollowAsync(id, cancellationToken))
            {
                foreach (var result in page.Results)
                {
                    await SendAsync(response, "result", new JsonObject
                    {
                        ["id"] = result.ProblemId,
                        ["status"] = result.Status,
                        ["answer"] = result.Answer,
                        ["correct"] = result.Correct,
                    }, cancellationToken);
                }

                var status = await service.StatusAsync(id);
                var text = status?.ToJsonString();
                if (text != last)
                {
                    await SendAsync(response, "progress", status!, cancellationToken);
                    last = text;
                }
            }

            await SendAsync(response, "end", (await service.StatusAsync(id))!, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the job goes on.
        }
    }

    private static async Task SendAsync(HttpResponse response, string name, JsonNode data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static StrategyRequest ParseStrategy(IQueryCollection query)
    {
        var strategy = query["strategy"].ToString();
        if (strategy.Length == 0)
        {
            throw Invalid("strategy is required (cot, sc, bok, rmv, self-refine, magicore, iort, spc-search)", "strategy");
        }

        var request = new StrategyRequest
        {
            Strategy = strategy,
            K = Int(query, "k"),
            Rounds = Int(query, "rounds"),
            Seed = Long(query, "seed") ?? 0,
            Temperature = Double(query, "temperature"),
        };
        foreach (var option in query["option"])
        {
            var (key, value) = option?.Split('=', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : throw Invalid($"option '{option}' is not key=value", "option");
            request = key switch
            {
                "mode" => request with { Mode = value },
                "mu" => request with { Mu = ParseDouble(value, "option mu") },
                "sigma" => request with { Sigma = ParseDouble(value, "option sigma") },
                "vote_key" => request with { VoteKey = value },
                "keep_empty" => request with { KeepEmpty = value is "true" or "1" },
                "equivalence" => request with { Equivalence = value },
                "reward" => request with { Reward = value },
                "instructor_model" => request with { InstructorModel = value },
                "meta_memory_policy" => request with { MetaMemoryPolicy = value },
                "meta_similarity" => request with { MetaSimilarity = value },
                _ => throw Invalid($"unknown option '{key}'; known: mode, mu, sigma, vote_key, keep_empty, equivalence, reward, instructor_model, meta_memory_policy, meta_similarity", "option"),
            };
        }

        return request;
    }

    private static int? Int(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } text
            ? (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid($"{name} must be an integer", name))
            : null;

    private static long? Long(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } text
            ? (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid($"{name} must be an integer", name))
            : null;

    private static double? Double(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } text ? ParseDouble(text, name) : null;

    private static double ParseDouble(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : throw Invalid($"{name} must be a number", name);

    private static OpenAIErrorException Invalid(string message, string param) => new(OpenAIError.Invalid(message, param));

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json", Encoding.UTF8);

    private static IResult NotFound(string id) =>
        new OpenAIError(StatusCodes.Status404NotFound, $"no job '{id}'", "invalid_request_error", "id", "not_found").ToResult();
}
