using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agents.Inference.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> of the system, both named
/// <see cref="Name"/>. With no listener (no OpenTelemetry configured), starting a span returns null and recording a
/// measurement is a no-op, so instrumented code costs next to nothing. Attributes never carry prompts, completions,
/// URLs or keys: only ids, names and counts.
/// </summary>
public static class AgentsTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Agents";

    /// <summary>Spans: <c>run {strategy}</c> (a run phase), <c>step {role}</c> (an agent call of a run), <c>chat {model}</c> (a model call).</summary>
    public static readonly ActivitySource Source = new(Name, typeof(AgentsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The meter of every instrument below.</summary>
    public static readonly Meter Meter = new(Name, typeof(AgentsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Run phases executing now, by strategy.</summary>
    public static readonly UpDownCounter<long> RunsInFlight = Meter.CreateUpDownCounter<long>(
        "agents.runs.in_flight", "{run}", "Run phases executing now");

    /// <summary>Run phases finished, by strategy and status (<c>ok</c> = a final result, <c>phase</c> = a barrier phase, <c>failed</c> = the attempt threw).</summary>
    public static readonly Counter<long> RunsDone = Meter.CreateCounter<long>(
        "agents.runs.done", "{run}", "Run phases finished, by status");

    /// <summary>Model tokens, by <c>gen_ai.token.type</c> (input|output), model and role; a backend's rate of it is tokens/s.</summary>
    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "agents.model.tokens", "{token}", "Tokens used by model calls");

    /// <summary>Model calls made by agents, by model and role.</summary>
    public static readonly Counter<long> ModelCalls = Meter.CreateCounter<long>(
        "agents.model.calls", "{call}", "Model calls made by agents");

    /// <summary>Retries of backend requests, by model and reason.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "agents.model.retries", "{retry}", "Backend requests retried, by reason");

    /// <summary>Requests waiting in an inference replica's queue, by replica.</summary>
    public static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>(
        "agents.inference.queue_depth", "{request}", "Requests waiting in an inference replica's admission queue");

    /// <summary>Starts a model-call span (<c>chat {model}</c>, GenAI semantic conventions), or returns null when nobody listens.</summary>
    /// <param name="model">The model as the backend knows it (never a URL or a key).</param>
    /// <param name="provider">The provider (<c>openai</c>, <c>sim</c>, <c>gguf</c>, <c>replay</c>, ...), or null when unknown.</param>
    /// <param name="role">The agent role that calls the model.</param>
    /// <param name="operation">The GenAI operation name.</param>
    public static Activity? StartModelCall(string model, string? provider, string role, string operation = GenAiOperations.Chat)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"{operation} {model}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TagNames.GenAiOperation, operation);
            activity.SetTag(TagNames.GenAiRequestModel, model);
            if (provider is not null)
            {
                activity.SetTag(TagNames.GenAiProvider, provider);
                activity.SetTag(TagNames.GenAiSystem, provider);
            }

            activity.SetTag(TagNames.Role, role);
        }

        return activity;
    }

    /// <summary>Records a model call's usage on its span (if any) and on the token and call counters.</summary>
    public static void RecordUsage(Activity? activity, string model, string role, long inputTokens, long outputTokens, int samples)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TagNames.GenAiInputTokens, inputTokens);
            activity.SetTag(TagNames.GenAiOutputTokens, outputTokens);
            activity.SetTag(TagNames.Samples, samples);
        }

        if (Tokens.Enabled)
        {
            Tokens.Add(inputTokens, new(TagNames.GenAiTokenType, "input"), new(TagNames.GenAiRequestModel, model), new(TagNames.Role, role));
            Tokens.Add(outputTokens, new(TagNames.GenAiTokenType, "output"), new(TagNames.GenAiRequestModel, model), new(TagNames.Role, role));
        }

        ModelCalls.Add(1, new(TagNames.GenAiRequestModel, model), new(TagNames.Role, role));
    }

    /// <summary>Marks a span failed with the exception's type (not its message, which may quote a server's reply).</summary>
    public static void RecordFailure(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag(TagNames.ErrorType, exception.GetType().FullName);
    }
}

/// <summary>GenAI operation names (OpenTelemetry semantic conventions, <c>gen_ai.operation.name</c>).</summary>
public static class GenAiOperations
{
    /// <summary>A chat completion.</summary>
    public const string Chat = "chat";

    /// <summary>A reward-model pass (outcome and process scores); not a standard GenAI operation.</summary>
    public const string Score = "score";
}

/// <summary>Attribute (tag) names on spans and metrics.</summary>
public static class TagNames
{
    /// <summary><c>gen_ai.operation.name</c>.</summary>
    public const string GenAiOperation = "gen_ai.operation.name";

    /// <summary><c>gen_ai.request.model</c>.</summary>
    public const string GenAiRequestModel = "gen_ai.request.model";

    /// <summary><c>gen_ai.provider.name</c> (current semantic conventions).</summary>
    public const string GenAiProvider = "gen_ai.provider.name";

    /// <summary><c>gen_ai.system</c> (older semantic conventions; same value as the provider).</summary>
    public const string GenAiSystem = "gen_ai.system";

    /// <summary><c>gen_ai.usage.input_tokens</c>.</summary>
    public const string GenAiInputTokens = "gen_ai.usage.input_tokens";

    /// <summary><c>gen_ai.usage.output_tokens</c>.</summary>
    public const string GenAiOutputTokens = "gen_ai.usage.output_tokens";

    /// <summary><c>gen_ai.token.type</c> (input|output) on the token counter.</summary>
    public const string GenAiTokenType = "gen_ai.token.type";

    /// <summary><c>error.type</c>.</summary>
    public const string ErrorType = "error.type";

    /// <summary>The agent role (solver, reviewer, refiner, critic, scorer, ...).</summary>
    public const string Role = "agents.role";

    /// <summary>Samples drawn by one model call.</summary>
    public const string Samples = "agents.samples";

    /// <summary>The batch job id.</summary>
    public const string JobId = "agents.job.id";

    /// <summary>The problem id.</summary>
    public const string ProblemId = "agents.problem.id";

    /// <summary>The strategy name.</summary>
    public const string Strategy = "agents.strategy";

    /// <summary>The run phase (0, or 0..T for MAgICoRe's dataset barriers).</summary>
    public const string Phase = "agents.run.phase";

    /// <summary>How a run phase ended: ok, phase, failed.</summary>
    public const string Status = "agents.run.status";

    /// <summary>A run step's memo key (e.g. <c>solve/0</c>).</summary>
    public const string Step = "agents.step";

    /// <summary>The method round.</summary>
    public const string Round = "agents.round";

    /// <summary>An inference replica's key (<c>model/index</c>).</summary>
    public const string Replica = "agents.replica";

    /// <summary>Why a backend request was retried (rate_limited, server_error, timeout, connection, ...).</summary>
    public const string RetryReason = "agents.retry.reason";
}
