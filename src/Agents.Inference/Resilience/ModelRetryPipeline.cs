using System.ClientModel;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Agents.Inference.Telemetry;

namespace Agents.Inference.Resilience;

/// <summary>
/// Runs one backend call with retries (exponential backoff with jitter, <c>Retry-After</c> honoured, a
/// per-attempt timeout) and turns a final failure into a <see cref="ModelBackendException"/> whose message
/// names the backend, the model, the status and the attempts, never the API key.
/// </summary>
public sealed partial class ModelRetryPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ModelRetryOptions _options;
    private readonly string _backend;
    private readonly string _model;
    private readonly string? _secret;
    private readonly ILogger _logger;
    private long _totalRetries;

    /// <summary>Creates the pipeline for one backend.</summary>
    /// <param name="options">Retry limits and delays.</param>
    /// <param name="backend">How messages name the backend, e.g. its base URL.</param>
    /// <param name="model">The model name.</param>
    /// <param name="secret">A secret (the API key) to scrub from every message this pipeline writes.</param>
    /// <param name="logger">Where retries are logged.</param>
    public ModelRetryPipeline(ModelRetryOptions options, string backend, string model, string? secret, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _backend = backend;
        _model = model;
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
        _logger = logger;

        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _totalRetries);
                    RetryTally.Record();
                    AgentsTelemetry.Retries.Add(1, new(TagNames.GenAiRequestModel, _model), new(TagNames.RetryReason, RetryReason(args.Outcome.Exception)));
                    LogRetry(_logger, _backend, _model, args.AttemptNumber + 1, Describe(args.Outcome.Exception), args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>All retries this pipeline has made since it was created.</summary>
    public long TotalRetries => Interlocked.Read(ref _totalRetries);

    /// <summary>Runs <paramref name="call"/> with retries; the token it receives is cancelled when an attempt times out.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref attempts);
                    return await call(token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ModelBackendException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw ToBackendException(ex, Volatile.Read(ref attempts));
        }
    }

    /// <summary>Whether a failure is worth retrying: 408, 429, 5xx, no response, a timeout or a dropped connection.</summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        ClientResultException cre => cre.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException => true,
        TimeoutRejectedException => true,
        TimeoutException => true,
        IOException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The <c>agents.retry.reason</c> of a transient failure: rate_limited (429), server_error (5xx), request_timeout (408),
    /// timeout (the attempt's own limit or a cancelled transport), connection (no response), or other.
    /// </summary>
    public static string RetryReason(Exception? exception) => exception switch
    {
        ClientResultException { Status: 429 } => "rate_limited",
        ClientResultException { Status: >= 500 } => "server_error",
        ClientResultException { Status: 408 } => "request_timeout",
        ClientResultException { Status: 0 } or HttpRequestException or IOException => "connection",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timeout",
        _ => "other",
    };

    /// <summary>Replaces the secret in a text with <c>***</c>.</summary>
    public string Scrub(string text) =>
        _secret is null ? text : text.Replace(_secret, "***", StringComparison.Ordinal);

    private ModelBackendException ToBackendException(Exception ex, int attempts)
    {
        var status = ex is ClientResultException { Status: > 0 } cre ? cre.Status : (int?)null;
        var (code, serverMessage) = ErrorBody(ex);
        string message;
        if (status is 401 or 403)
        {
            message = $"{_backend}: authentication failed (HTTP {status} {code ?? "unauthorized"}); set AGENTS_OPENAI_API_KEY";
        }
        else if (IsTransient(ex, CancellationToken.None))
        {
            message = $"{_backend} model {_model}: failed after {attempts} attempt(s) (last error: {Describe(ex)})";
        }
        else if (status is not null)
        {
            message = $"{_backend} model {_model}: request rejected (HTTP {status} {code}{(serverMessage is null ? "" : ": " + serverMessage)})";
        }
        else
        {
            message = $"{_backend} model {_model}: {ex.GetType().Name}: {ex.Message}";
        }

        message = Scrub(message);
        // The inner exception may quote the server's body; keep it only if it cannot leak the key.
        var inner = _secret is not null && ex.ToString().Contains(_secret, StringComparison.Ordinal) ? null : ex;
        return new ModelBackendException(message, _backend, _model, status, attempts, inner);
    }

    private string Describe(Exception? ex) => ex switch
    {
        null => "no exception",
        ClientResultException { Status: > 0 } cre => Scrub($"HTTP {cre.Status}{(ErrorBody(cre).Code is { } code ? " " + code : "")}"),
        TimeoutRejectedException => $"timeout after {_options.AttemptTimeout.TotalSeconds:0.###} s",
        OperationCanceledException => "timeout (request cancelled by the transport)",
        _ => Scrub($"{ex.GetType().Name}: {ex.Message}"),
    };

    private static (string? Code, string? Message) ErrorBody(Exception ex)
    {
        if (ex is not ClientResultException cre || cre.GetRawResponse() is not { } response)
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code, message);
            }
        }
        catch (JsonException)
        {
            // Not an OpenAI-shaped error body; the status alone describes it.
        }
        catch (InvalidOperationException)
        {
            // The body was not buffered.
        }

        return (null, null);
    }

    private TimeSpan? RetryAfter(Exception? ex)
    {
        if (ex is not ClientResultException cre || cre.GetRawResponse() is not { } response
            || !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        TimeSpan? delay = null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            delay = TimeSpan.FromSeconds(seconds);
        }
        else if (RetryConditionHeaderValue.TryParse(value, out var header) && header.Date is { } date)
        {
            delay = date - DateTimeOffset.UtcNow;
        }

        if (delay is null)
        {
            return null;
        }

        return delay.Value < TimeSpan.Zero ? TimeSpan.Zero : delay.Value > _options.MaxDelay ? _options.MaxDelay : delay.Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Backend} model {Model}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string backend, string model, int attempt, string reason, TimeSpan delay);
}
