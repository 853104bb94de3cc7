using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Api.Hosting;
using Agents.Core.Strategies;
using Agents.Inference.Serving;
using Microsoft.Extensions.Options;

namespace Agents.Api.Gateway;

/// <summary>The OpenAI-compatible routes: <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>.</summary>
public static partial class ChatCompletionsEndpoints
{
    /// <summary>Maps the gateway's routes.</summary>
    public static IEndpointRouteBuilder MapOpenAIGateway(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("OpenAI-compatible gateway");
        v1.MapGet("/models", ListModelsAsync)
            .WithSummary("Every STRATEGY[@K]:BASE this host serves (OpenAI list object), with each strategy's defaults");
        v1.MapPost("/chat/completions", CompleteAsync)
            .WithSummary("Solves the last user message with the model's strategy; stream=true answers with server-sent events")
            .Accepts<JsonObject>("application/json")
            .Produces<JsonObject>(StatusCodes.Status200OK)
            .Produces<JsonObject>(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> ListModelsAsync(ServedModels models)
    {
        var data = new JsonArray();
        foreach (var served in await models.ListAsync())
        {
            foreach (var strategy in StrategyNames.Runnable)
            {
                var spec = StrategyDefaults.Create(strategy);
                var name = new GatewayModel(strategy, GatewayModel.ListedWithK.Contains(strategy) ? spec.K : null, served.Name);
                data.Add(new JsonObject
                {
                    ["id"] = name.ToString(),
                    ["object"] = "model",
                    ["created"] = 0,
                    ["owned_by"] = "agents",
                    ["agents"] = new JsonObject
                    {
                        ["strategy"] = strategy,
                        ["base_model"] = served.Name,
                        ["base_source"] = served.Source,
                        ["k"] = spec.K,
                        ["rounds"] = spec.Rounds,
                        ["temperature"] = spec.Temperature,
                        ["top_p"] = spec.TopP,
                        ["max_tokens"] = spec.MaxTokens,
                    },
                });
            }
        }

        return Results.Text(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }

    private static async Task CompleteAsync(
        HttpContext context, RefinementGateway gateway, IOptions<ApiOptions> options, ILoggerFactory loggers)
    {
        var settings = options.Value;
        GatewayPlan plan;
        ChatRequest request;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            request = ChatRequest.Parse(body.RootElement, settings.MaxMessages, settings.MaxProblemChars, settings.MaxChoices);
            plan = await gateway.PlanAsync(request);
        }
        catch (BadHttpRequestException ex)
        {
            // Over Agents:Api:MaxRequestBodyBytes (413), or a body cut short.
            await new OpenAIError(ex.StatusCode, $"the request body was refused: {ex.Message}", "invalid_request_error").WriteAsync(context.Response);
            return;
        }
        catch (JsonException)
        {
            await OpenAIError.Invalid("the body is not valid JSON", null).WriteAsync(context.Response);
            return;
        }
        catch (OpenAIErrorException ex)
        {
            await ex.Error.WriteAsync(context.Response);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(settings.RunTimeout);
        var logger = loggers.CreateLogger(typeof(ChatCompletionsEndpoints));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context, gateway, plan, request, settings, created, logger, timeout.Token);
            return;
        }

        ChoiceResult[] choices;
        try
        {
            choices = await Task.WhenAll(Enumerable.Range(0, plan.N).Select(i => gateway.RunAsync(plan, i, null, timeout.Token)));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogRunFailed(logger, ex, plan.Id);
            await RunFailed(ex, timeout.IsCancellationRequested, settings).WriteAsync(context.Response);
            return;
        }

        var response = new JsonObject
        {
            ["id"] = plan.Id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = plan.Model.ToString(),
            ["system_fingerprint"] = null,
            ["choices"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject
            {
                ["index"] = c.Index,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = c.Content, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            })]),
            ["usage"] = Usage(choices),
            ["agents"] = AgentsExtension.For(plan, choices),
        };
        await Results.Text(response.ToJsonString(), "application/json").ExecuteAsync(context);
    }

    private static async Task StreamAsync(
        HttpContext context, RefinementGateway gateway, GatewayPlan plan, ChatRequest request, ApiOptions settings, long created,
        ILogger logger, CancellationToken cancellationToken)
    {
        using var stream = new OpenAIStream(context.Response);
        var model = plan.Model.ToString();
        stream.Start();
        await stream.CommentAsync($"{plan.Id}: {plan.Spec.Name} k={plan.Spec.K} on {plan.Model.Base}", cancellationToken);
        using var stopHeartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(stream, settings.Heartbeat, stopHeartbeat.Token);
        ChoiceResult[] choices;
        try
        {
            choices = await Task.WhenAll(Enumerable.Range(0, plan.N).Select(i => gateway.RunAsync(plan, i, text => stream.CommentAsync(text, cancellationToken), cancellationToken)));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogRunFailed(logger, ex, plan.Id);
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            await stream.DataAsync(RunFailed(ex, cancellationToken.IsCancellationRequested, settings).ToJson(), CancellationToken.None);
            await stream.DoneAsync(CancellationToken.None);
            return;
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
        }

        foreach (var choice in choices)
        {
            await stream.DataAsync(OpenAIStream.Chunk(plan.Id, created, model, choice.Index, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, request.IncludeUsage), cancellationToken);
            foreach (var piece in OpenAIStream.Pieces(choice.Content))
            {
                await stream.DataAsync(OpenAIStream.Chunk(plan.Id, created, model, choice.Index, new JsonObject { ["content"] = piece }, null, request.IncludeUsage), cancellationToken);
            }
        }

        for (var i = 0; i < choices.Length; i++)
        {
            var finish = OpenAIStream.Chunk(plan.Id, created, model, choices[i].Index, [], "stop", request.IncludeUsage);
            if (i == choices.Length - 1)
            {
                finish["agents"] = AgentsExtension.For(plan, choices);
            }

            await stream.DataAsync(finish, cancellationToken);
        }

        if (request.IncludeUsage)
        {
            var usage = Usage(choices);
            await stream.DataAsync(
                OpenAIStream.UsageChunk(plan.Id, created, model, usage["prompt_tokens"]!.GetValue<long>(), usage["completion_tokens"]!.GetValue<long>()),
                cancellationToken);
        }

        await stream.DoneAsync(cancellationToken);
    }

    // Comments while the agents work: proxies keep the connection, OpenAI clients skip them.
    private static async Task HeartbeatAsync(OpenAIStream stream, TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await stream.CommentAsync("agents working", cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static JsonObject Usage(IEnumerable<ChoiceResult> choices)
    {
        long prompt = 0, completion = 0;
        foreach (var choice in choices)
        {
            prompt += choice.Result.Usage.PromptTokens;
            completion += choice.Result.Usage.CompletionTokens;
        }

        return new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
    }

    private static OpenAIError RunFailed(Exception ex, bool timedOut, ApiOptions settings) => timedOut
        ? new OpenAIError(StatusCodes.Status504GatewayTimeout, $"the run did not finish within {settings.RunTimeout}", "server_error", null, "timeout")
        : new OpenAIError(StatusCodes.Status500InternalServerError, $"the run failed: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}", "server_error");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway run {RunId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string runId);
}
