using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Core.Solving;
using Agents.Inference.Accounting;
using Agents.Inference.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Serving;

/// <summary>
/// Serves any <see cref="IChatClient"/> (normally the simulated model) over the OpenAI chat completions API on
/// loopback, with optional bearer-key auth and seeded fault injection (429, 500, delays), so the real
/// <c>openai:</c> backend can be exercised end to end without a GPU.
/// </summary>
public sealed partial class SimServer : IAsyncDisposable
{
    private readonly SimServerOptions _options;
    private readonly IChatClient _model;
    private readonly SimServerStats _stats;
    private readonly Random _faults;
    private readonly Lock _faultGate = new();
    private readonly ILogger _logger;
    private WebApplication? _app;

    private SimServer(SimServerOptions options, IChatClient model, SimServerStats stats, ILogger logger)
    {
        _options = options;
        _model = model;
        _stats = stats;
        _faults = new Random(options.FaultSeed);
        _logger = logger;
    }

    /// <summary>The running application (null until started through <see cref="StartAsync"/>).</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("The server was not started.");

    /// <summary>The root address, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The OpenAI API base, e.g. <c>http://127.0.0.1:5123/v1</c>.</summary>
    public Uri ApiBase => new(BaseAddress, "v1");

    /// <summary>The model spec that reaches this server: <c>openai:http://127.0.0.1:PORT/v1#MODEL</c>.</summary>
    public string ModelSpec => $"openai:{ApiBase}#{_options.ModelName}";

    /// <summary>The server's counters.</summary>
    public SimServerStats Stats => _stats;

    /// <summary>Builds (does not start) the server application; its <see cref="SimServerStats"/> is a registered singleton.</summary>
    /// <param name="options">Address, key and faults.</param>
    /// <param name="model">The model to serve.</param>
    /// <param name="configure">Optional extra configuration of the builder (logging, for example).</param>
    public static WebApplication Build(SimServerOptions options, IChatClient model, Action<WebApplicationBuilder>? configure = null) =>
        BuildCore(options, model, configure).App;

    /// <summary>Builds and starts the server; dispose it to stop.</summary>
    public static async Task<SimServer> StartAsync(
        SimServerOptions options, IChatClient model, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var (server, app) = BuildCore(options, model, configure);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{options.Host}:{options.Port}";
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (SimServer Server, WebApplication App) BuildCore(SimServerOptions options, IChatClient model, Action<WebApplicationBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var stats = new SimServerStats();
        builder.Services.AddSingleton(stats);
        configure?.Invoke(builder);

        var app = builder.Build();
        var server = new SimServer(options, model, stats, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<SimServer>());
        server._app = app;
        // A Func, not a method group: as a RequestDelegate the IResult would be discarded.
        Func<HttpContext, Task<IResult>> complete = server.CompleteAsync;
        app.MapPost("/v1/chat/completions", complete);
        Func<HttpContext, IResult> models = server.Models;
        app.MapGet("/v1/models", models);
        app.MapGet("/health", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        var latency = model.GetService<SimulatedChatClient>()?.Latency;
        app.MapGet("/stats", () => Results.Text(stats.ToJson(latency).ToJsonString(), "application/json"));
        return (server, app);
    }

    private IResult Models(HttpContext context)
    {
        if (!Authorized(context))
        {
            return Unauthorized();
        }

        var model = new JsonObject
        {
            ["id"] = _options.ModelName,
            ["object"] = "model",
            ["created"] = 0,
            ["owned_by"] = "agents-sim",
        };
        return Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(model) });
    }

    private async Task<IResult> CompleteAsync(HttpContext context)
    {
        _stats.CountRequest();
        if (!Authorized(context))
        {
            return Unauthorized();
        }

        ChatRequest request;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            request = ChatRequest.Parse(body.RootElement, _options);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            _stats.CountBadRequest();
            return Error(StatusCodes.Status400BadRequest, ex is JsonException ? "the body is not valid JSON" : ex.Message, "invalid_request_error", null);
        }

        var session = context.Request.Headers[_options.SessionHeader].ToString() is { Length: > 0 } value
            ? value[..Math.Min(value.Length, SimServerStats.MaxHintLength)]
            : null;
        if (_options.FinalMessage == SimFinalMessageMode.Refuse && request.FinalMessageParameter is { } refused)
        {
            // OpenAI's answer to a parameter it does not know.
            _stats.CountBadRequest();
            _stats.CountRefusedParameter();
            return Error(StatusCodes.Status400BadRequest, $"Unrecognized request argument supplied: {refused}", "invalid_request_error", null, refused);
        }

        var finalAssistant = request.Messages[^1].Role == ChatRole.Assistant;
        _stats.Record(new SimRequestRecord(
            request.Model, request.N, request.Seed, request.MaxTokens, request.Temperature, session, request.Nvext,
            request.MinTokens, request.ContinueFinalMessage, finalAssistant));
        if (finalAssistant && !(request.ContinueFinalMessage == true && _options.FinalMessage == SimFinalMessageMode.Continue))
        {
            // vLLM's default (add_generation_prompt): the final assistant message is a finished turn and the model answers in
            // a new one, so the simulated model sees no prefill and writes its whole reply.
            request = request with { Messages = [.. request.Messages.Take(request.Messages.Count - 1)] };
        }
        double failure;
        double delay;
        lock (_faultGate)
        {
            failure = _faults.NextDouble();
            delay = _faults.NextDouble();
        }

        if (failure < _options.FailureRate429)
        {
            _stats.Count429();
            if (_options.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Error(StatusCodes.Status429TooManyRequests, "simulated rate limit", "rate_limit_error", "rate_limit_exceeded");
        }

        if (failure < _options.FailureRate429 + _options.FailureRate500)
        {
            _stats.Count500();
            return Error(StatusCodes.Status500InternalServerError, "simulated server error", "server_error", null);
        }

        if (delay < _options.DelayRate)
        {
            _stats.CountDelayed();
            try
            {
                await Task.Delay(_options.Delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        MultiChoice result;
        try
        {
            result = await GenerateAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (ArgumentException ex)
        {
            _stats.CountBadRequest();
            return Error(StatusCodes.Status400BadRequest, ex.Message, "invalid_request_error", null);
        }
#pragma warning disable CA1031 // any fault of the simulated model is answered as a 500, like a real server's, and the server keeps serving
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogModelFailed(_logger, ex);
            return Error(StatusCodes.Status500InternalServerError, "the model failed: " + ex.GetType().Name, "server_error", null);
        }

        _stats.CountCompleted(result.Texts.Count, result.PromptTokens, result.CompletionTokens);
        var id = "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context.Response, id, created, request, result, context.RequestAborted).ConfigureAwait(false);
            return Results.Empty;
        }

        var choices = new JsonArray();
        for (var i = 0; i < result.Texts.Count; i++)
        {
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = result.Texts[i] },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            });
        }

        return Json(new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = request.Model,
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = result.PromptTokens,
                ["completion_tokens"] = result.CompletionTokens,
                ["total_tokens"] = result.PromptTokens + result.CompletionTokens,
            },
        });
    }

    // The generated texts as OpenAI streams them: a role chunk, the text in word-sized pieces, a finish chunk per
    // choice, the usage chunk when asked for, then [DONE]. The simulated model answers whole, so the pieces follow it.
    private static async Task StreamAsync(HttpResponse response, string id, long created, ChatRequest request, MultiChoice result, CancellationToken cancellationToken)
    {
        using var stream = new OpenAIStream(response);
        stream.Start();
        for (var i = 0; i < result.Texts.Count; i++)
        {
            await stream.DataAsync(OpenAIStream.Chunk(id, created, request.Model, i, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, request.IncludeUsage), cancellationToken).ConfigureAwait(false);
            foreach (var piece in OpenAIStream.Pieces(result.Texts[i]))
            {
                await stream.DataAsync(OpenAIStream.Chunk(id, created, request.Model, i, new JsonObject { ["content"] = piece }, null, request.IncludeUsage), cancellationToken).ConfigureAwait(false);
            }

            await stream.DataAsync(OpenAIStream.Chunk(id, created, request.Model, i, [], "stop", request.IncludeUsage), cancellationToken).ConfigureAwait(false);
        }

        if (request.IncludeUsage)
        {
            await stream.DataAsync(OpenAIStream.UsageChunk(id, created, request.Model, result.PromptTokens, result.CompletionTokens), cancellationToken).ConfigureAwait(false);
        }

        await stream.DoneAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<MultiChoice> GenerateAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var options = new ChatOptions
        {
            ModelId = request.Model,
            Temperature = (float?)request.Temperature,
            TopP = (float?)request.TopP,
            MaxOutputTokens = request.MaxTokens,
            Seed = request.Seed,
        };

        if (request.N > 1 && _model.GetService<IMultiChoiceChatClient>() is { } multi)
        {
            var choices = await multi.GetChoicesAsync(request.Messages, options, request.N, cancellationToken).ConfigureAwait(false);
            return new MultiChoice(choices.Choices, choices.PromptTokens, choices.CompletionTokens);
        }

        // Without native n, choice i is the model's answer to seed ForChoice(seed, i), as ChatSampling's parallel path asks.
        var baseSeed = request.Seed ?? Random.Shared.NextInt64(long.MaxValue);
        var responses = await Task.WhenAll(Enumerable.Range(0, request.N).Select(i =>
        {
            var choiceOptions = options.Clone();
            choiceOptions.Seed = request.N == 1 ? request.Seed : SampleSeed.ForChoice(baseSeed, i);
            return _model.GetResponseAsync(request.Messages, choiceOptions, cancellationToken);
        })).ConfigureAwait(false);

        var texts = responses.Select(r => r.Text).ToList();
        // OpenAI counts the prompt once per request, however many choices it asks for.
        var prompt = responses[0].Usage?.InputTokenCount ?? TokenCounter.CountPrompt(request.Messages);
        var completion = responses.Sum(r => r.Usage?.OutputTokenCount ?? TokenCounter.Count(r.Text));
        return new MultiChoice(texts, prompt, completion);
    }

    private bool Authorized(HttpContext context)
    {
        if (string.IsNullOrEmpty(_options.ApiKey))
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        var presented = header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : string.Empty;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(_options.ApiKey));
    }

    private IResult Unauthorized()
    {
        _stats.CountUnauthorized();
        // Like OpenAI, but never quoting the presented key back.
        return Error(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    }

    private static IResult Error(int status, string message, string type, string? code, string? param = null) => Results.Text(
        new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }.ToJsonString(),
        "application/json",
        Encoding.UTF8,
        status);

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8);

    [LoggerMessage(Level = LogLevel.Error, Message = "The served model failed")]
    private static partial void LogModelFailed(ILogger logger, Exception exception);

    private sealed record MultiChoice(IReadOnlyList<string> Texts, long PromptTokens, long CompletionTokens);

    private sealed record ChatRequest(
        string Model, IReadOnlyList<ChatMessage> Messages, int N, long? Seed, double? Temperature, double? TopP, int? MaxTokens,
        bool Stream, bool IncludeUsage, string? Nvext, int? MinTokens = null, bool? ContinueFinalMessage = null, string? FinalMessageParameter = null)
    {
        public static ChatRequest Parse(JsonElement root, SimServerOptions options)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the body must be a JSON object");
            }

            var stream = root.TryGetProperty("stream", out var streamElement) && streamElement.ValueKind == JsonValueKind.True;
            var includeUsage = root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
                && streamOptions.TryGetProperty("include_usage", out var usageElement) && usageElement.ValueKind == JsonValueKind.True;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } name
                ? name
                : options.ModelName;

            if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array || messagesElement.GetArrayLength() == 0)
            {
                throw new FormatException("'messages' must be a non-empty array");
            }

            var messages = messagesElement.EnumerateArray().Select(ParseMessage).ToList();
            var n = OptionalInt(root, "n") ?? 1;
            if (n < 1 || n > options.MaxChoices)
            {
                throw new FormatException($"'n' must be between 1 and {options.MaxChoices}");
            }

            long? seed = root.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null
                ? (s.TryGetInt64(out var parsedSeed) ? parsedSeed : throw new FormatException("'seed' must be an integer"))
                : null;
            var maxTokens = OptionalInt(root, "max_completion_tokens") ?? OptionalInt(root, "max_tokens");
            if (maxTokens is < 1)
            {
                throw new FormatException("'max_tokens' must be positive");
            }

            // Dynamo-style router hints; the server only records them (capped), it does not act on them.
            var nvext = root.TryGetProperty("nvext", out var nvextElement) && nvextElement.ValueKind == JsonValueKind.Object
                ? nvextElement.GetRawText() is var raw && raw.Length <= SimServerStats.MaxHintLength ? raw : throw new FormatException($"'nvext' must be at most {SimServerStats.MaxHintLength} characters")
                : null;
            var minTokens = OptionalInt(root, "min_tokens");
            if (minTokens is < 0)
            {
                throw new FormatException("'min_tokens' must not be negative");
            }

            var continueFinal = OptionalBool(root, "continue_final_message");
            var addGenerationPrompt = OptionalBool(root, "add_generation_prompt");
            if (continueFinal == true && addGenerationPrompt == true)
            {
                // vLLM refuses this pair too.
                throw new FormatException("'continue_final_message' and 'add_generation_prompt' cannot both be true");
            }

            var finalMessageParameter = continueFinal is not null ? "continue_final_message" : addGenerationPrompt is not null ? "add_generation_prompt" : null;
            return new ChatRequest(
                model, messages, n, seed, OptionalDouble(root, "temperature"), OptionalDouble(root, "top_p"), maxTokens, stream, includeUsage, nvext,
                minTokens, continueFinal, finalMessageParameter);
        }

        private static bool? OptionalBool(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"'{name}' must be a boolean"),
                }
                : null;

        private static ChatMessage ParseMessage(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("each message needs a 'role'");
            }

            var role = roleElement.GetString() switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                var other => throw new FormatException($"unknown role '{other}'"),
            };

            var content = element.TryGetProperty("content", out var c) ? c : default;
            var text = content.ValueKind switch
            {
                JsonValueKind.String => content.GetString() ?? string.Empty,
                JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
                JsonValueKind.Array => string.Concat(content.EnumerateArray()
                    .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueEquals("text"))
                    .Select(part => part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : string.Empty)),
                _ => throw new FormatException("message 'content' must be a string or an array of text parts"),
            };
            return new ChatMessage(role, text);
        }

        private static int? OptionalInt(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? (value.TryGetInt32(out var parsed) ? parsed : throw new FormatException($"'{name}' must be an integer"))
                : null;

        private static double? OptionalDouble(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? (value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new FormatException($"'{name}' must be a number"))
                : null;
    }
}
