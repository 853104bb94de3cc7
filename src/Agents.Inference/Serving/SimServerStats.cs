using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Agents.Inference.Simulation;

namespace Agents.Inference.Serving;

/// <summary>What the server saw of one completion request (no message text, no credentials).</summary>
/// <param name="Model">The requested model.</param>
/// <param name="N">The requested number of choices.</param>
/// <param name="Seed">The requested seed, if any.</param>
/// <param name="MaxTokens">The requested output limit (<c>max_completion_tokens</c> or <c>max_tokens</c>), if any.</param>
/// <param name="Temperature">The requested temperature, if any.</param>
/// <param name="SessionId">The session header's value (<see cref="SimServerOptions.SessionHeader"/>), if sent.</param>
/// <param name="Nvext">The request's <c>nvext</c> object as JSON, if sent.</param>
/// <param name="MinTokens">The request's <c>min_tokens</c>, if sent.</param>
/// <param name="ContinueFinalMessage">The request's <c>continue_final_message</c>, if sent.</param>
/// <param name="FinalAssistant">True when the last message was an assistant message (a prefill).</param>
public sealed record SimRequestRecord(
    string Model, int N, long? Seed, int? MaxTokens, double? Temperature, string? SessionId = null, string? Nvext = null,
    int? MinTokens = null, bool? ContinueFinalMessage = null, bool FinalAssistant = false);

/// <summary>Thread-safe counters of a <see cref="SimServer"/>, also served as JSON by <c>GET /stats</c>.</summary>
public sealed class SimServerStats
{
    /// <summary>How many recent request records are kept.</summary>
    public const int RecentCapacity = 1024;

    /// <summary>The longest session header value or <c>nvext</c> object kept (longer session values are cut, longer nvext refused).</summary>
    public const int MaxHintLength = 1024;

    /// <summary>The most distinct session keys counted; more are counted as requests but not as new sessions.</summary>
    public const int MaxSessions = 65536;

    private readonly ConcurrentQueue<SimRequestRecord> _recent = new();
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);
    private long _sessionRequests;
    private long _nvextRequests;
    private long _minTokensRequests;
    private long _continueRequests;
    private long _refusedParameters;
    private long _requests;
    private long _completed;
    private long _choices;
    private long _faults429;
    private long _faults500;
    private long _delayed;
    private long _unauthorized;
    private long _badRequests;
    private long _promptTokens;
    private long _completionTokens;

    /// <summary>Completion requests received (every outcome).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Completion requests answered with 200.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Choices returned.</summary>
    public long Choices => Interlocked.Read(ref _choices);

    /// <summary>Injected 429s.</summary>
    public long Faults429 => Interlocked.Read(ref _faults429);

    /// <summary>Injected 500s.</summary>
    public long Faults500 => Interlocked.Read(ref _faults500);

    /// <summary>Injected delays.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>Requests refused with 401.</summary>
    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    /// <summary>Requests refused with 400.</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Prompt tokens reported.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Completion tokens reported.</summary>
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>Valid requests that carried the session header.</summary>
    public long SessionRequests => Interlocked.Read(ref _sessionRequests);

    /// <summary>Distinct session header values seen (up to <see cref="MaxSessions"/>).</summary>
    public int Sessions => _sessions.Count;

    /// <summary>Valid requests that carried an <c>nvext</c> object.</summary>
    public long NvextRequests => Interlocked.Read(ref _nvextRequests);

    /// <summary>Valid requests that carried <c>min_tokens</c>.</summary>
    public long MinTokensRequests => Interlocked.Read(ref _minTokensRequests);

    /// <summary>Valid requests that carried <c>continue_final_message: true</c>.</summary>
    public long ContinueFinalMessageRequests => Interlocked.Read(ref _continueRequests);

    /// <summary>Requests refused with 400 for naming a parameter the server was told to refuse (<see cref="SimFinalMessageMode.Refuse"/>).</summary>
    public long RefusedParameters => Interlocked.Read(ref _refusedParameters);

    /// <summary>The most recent valid requests (up to <see cref="RecentCapacity"/>), oldest first.</summary>
    public IReadOnlyList<SimRequestRecord> Recent => [.. _recent];

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountUnauthorized() => Interlocked.Increment(ref _unauthorized);

    internal void CountBadRequest() => Interlocked.Increment(ref _badRequests);

    internal void CountRefusedParameter() => Interlocked.Increment(ref _refusedParameters);

    internal void Count429() => Interlocked.Increment(ref _faults429);

    internal void Count500() => Interlocked.Increment(ref _faults500);

    internal void CountDelayed() => Interlocked.Increment(ref _delayed);

    internal void Record(SimRequestRecord record)
    {
        if (record.SessionId is { } session)
        {
            Interlocked.Increment(ref _sessionRequests);
            if (_sessions.Count < MaxSessions)
            {
                _sessions.TryAdd(session, 0);
            }
        }

        if (record.Nvext is not null)
        {
            Interlocked.Increment(ref _nvextRequests);
        }

        if (record.MinTokens is not null)
        {
            Interlocked.Increment(ref _minTokensRequests);
        }

        if (record.ContinueFinalMessage == true)
        {
            Interlocked.Increment(ref _continueRequests);
        }

        _recent.Enqueue(record);
        while (_recent.Count > RecentCapacity && _recent.TryDequeue(out _))
        {
        }
    }

    internal void CountCompleted(int choices, long promptTokens, long completionTokens)
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _choices, choices);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _completionTokens, completionTokens);
    }

    /// <summary>The counters as a JSON object, with the serving counters of <paramref name="latency"/> when given.</summary>
    public JsonObject ToJson(SimulatedLatency? latency)
    {
        var json = ToJson();
        if (latency is not null)
        {
            var elapsed = latency.Elapsed.TotalMilliseconds;
            json["served"] = latency.Requests;
            json["active"] = latency.Active;
            json["queued"] = latency.Queued;
            json["max_concurrency"] = latency.MaxConcurrency;
            json["elapsed_ms"] = elapsed;
            json["busy_ms"] = latency.BusyTime.TotalMilliseconds;
            json["slot_busy_ms"] = latency.SlotBusyTime.TotalMilliseconds;
            if (latency.Window is { } window)
            {
                // Unix milliseconds with fractions, so the windows of several servers combine.
                json["window_first_started_unix_ms"] = (window.FirstStarted - DateTimeOffset.UnixEpoch).TotalMilliseconds;
                json["window_last_finished_unix_ms"] = (window.LastFinished - DateTimeOffset.UnixEpoch).TotalMilliseconds;
            }

            json["served_prompt_tokens"] = latency.PromptTokens;
            json["prefill_tokens"] = latency.PrefillTokens;
            json["prefix_hit_tokens"] = latency.PrefixHitTokens;
            json["prefix_hit_rate"] = latency.PromptTokens > 0 ? (double)latency.PrefixHitTokens / latency.PromptTokens : 0.0;
        }

        return json;
    }

    /// <summary>The counters as a JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["requests"] = Requests,
        ["completed"] = Completed,
        ["choices"] = Choices,
        ["faults_429"] = Faults429,
        ["faults_500"] = Faults500,
        ["delayed"] = Delayed,
        ["unauthorized"] = Unauthorized,
        ["bad_requests"] = BadRequests,
        ["prompt_tokens"] = PromptTokens,
        ["completion_tokens"] = CompletionTokens,
        ["session_requests"] = SessionRequests,
        ["sessions"] = Sessions,
        ["nvext_requests"] = NvextRequests,
        ["min_tokens_requests"] = MinTokensRequests,
        ["continue_final_message_requests"] = ContinueFinalMessageRequests,
        ["refused_parameters"] = RefusedParameters,
    };
}
