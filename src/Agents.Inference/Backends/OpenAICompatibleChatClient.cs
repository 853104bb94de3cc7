using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Agents.Core.Solving;
using Agents.Inference.Accounting;
using Agents.Inference.Resilience;
using Agents.Inference.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;

namespace Agents.Inference.Backends;

/// <summary>
/// A model on an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, OpenAI) through the official
/// OpenAI SDK: plain requests go through MEAI's <c>AsIChatClient()</c>, n-choice requests read every choice
/// from the raw response; both are retried by <see cref="ModelRetryPipeline"/>, and every request carries its seed.
/// When <see cref="OpenAICompatibleOptions.Hints"/> say so, a request whose options carry <see cref="WorkflowHints"/> sends
/// its session key as a header and its priority and expected length as <c>nvext.agent_hints</c>.
/// </summary>
public sealed partial class OpenAICompatibleChatClient : IChatClient, IMultiChoiceChatClient
{
    // The hints of the request in flight on this async flow; the session-header policy reads them inside the SDK pipeline.
    private static readonly AsyncLocal<WorkflowHints?> CurrentHints = new();

    // Extra body parameters (continue_final_message, min_tokens) this server rejected with a 400; not sent again.
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.Ordinal);
    private readonly ChatClient _chat;
    private readonly IChatClient _inner;
    private readonly ModelRetryPipeline _retry;
    private readonly OpenAICompatibleOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a client for one model on one server.</summary>
    public OpenAICompatibleChatClient(OpenAICompatibleOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            // Our Polly pipeline retries (and counts retries); the SDK's own retries would hide them.
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = options.NetworkTimeout,
        };
        if (!string.IsNullOrEmpty(options.Hints.SessionHeader))
        {
            clientOptions.AddPolicy(new SessionHeaderPolicy(options.Hints.SessionHeader), PipelinePosition.PerCall);
        }

        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? OpenAICompatibleOptions.NoKey : options.ApiKey),
            clientOptions);
        _chat = client.GetChatClient(options.Model);
        _inner = _chat.AsIChatClient();
        _retry = new ModelRetryPipeline(options.Retry, Backend, options.Model, options.ApiKey == OpenAICompatibleOptions.NoKey ? null : options.ApiKey, _logger);
    }

    /// <summary>How messages name this backend: <c>openai backend URL</c>.</summary>
    public string Backend => $"openai backend {_options.Endpoint}";

    /// <summary>The model name.</summary>
    public string Model => _options.Model;

    /// <summary>All retries this client has made.</summary>
    public long TotalRetries => _retry.TotalRetries;

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<AIChatMessage> ?? [.. messages];
        if (MultiChoiceResult.EndsWithPrefill(list) || MultiChoiceResult.MinTokens(options) is not null)
        {
            // Prefills and min_tokens need the extra body parameters only the n-choice path sends.
            var result = await GetChoicesAsync(list, options, 1, cancellationToken).ConfigureAwait(false);
            return Sampling.MultiChoiceResponses.ToChatResponse(result, _options.Model);
        }

        var sent = WithHints(options);
        return await _retry.ExecuteAsync(
            async token => await _inner.GetResponseAsync(list, sent, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams one response; not retried, since a retry could repeat text already streamed.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The request is sent on the first MoveNextAsync, which runs in this iterator's flow, so the header policy sees the hints.
        var sent = WithHints(options);
        await foreach (var update in _inner.GetStreamingResponseAsync(messages, sent, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public async Task<MultiChoiceResult> GetChoicesAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var list = messages as IList<AIChatMessage> ?? [.. messages];
        var converted = list.Select(ToOpenAI).ToList();
        var hints = ActiveHints(options);
        var prefill = MultiChoiceResult.EndsWithPrefill(list);
        var minTokens = MultiChoiceResult.MinTokens(options);
        return await _retry.ExecuteAsync(
            async token =>
            {
                while (true)
                {
                    var completionOptions = ToCompletionOptions(options, n);
                    AddAgentHints(completionOptions, hints);
                    var extras = AddExtraParameters(completionOptions, prefill, minTokens);
                    try
                    {
                        var result = await _chat.CompleteChatAsync(converted, completionOptions, token).ConfigureAwait(false);
                        return ParseChoices(result.GetRawResponse().Content, n, list) with { Prefill = PrefillReport(prefill) };
                    }
                    catch (ClientResultException ex) when (ex.Status == 400 && RefusedParameter(ex, extras) is { } refused)
                    {
                        // The server does not know the parameter (OpenAI itself answers "Unrecognized request argument"):
                        // drop it for this server and send the request again at once; not a retry of a failure.
                        _refused.TryAdd(refused, 0);
                        LogRefused(_logger, _options.Model, refused);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The extra body parameters a request names that this server has rejected so far.</summary>
    public IReadOnlyCollection<string> RefusedParameters => [.. _refused.Keys];

    internal const string ContinueFinalMessageParameter = "continue_final_message";
    internal const string AddGenerationPromptParameter = "add_generation_prompt";
    internal const string MinTokensParameter = "min_tokens";

    // vLLM's extra body: continue the final assistant message instead of opening a new turn; a minimum completion length.
    private List<string> AddExtraParameters(ChatCompletionOptions completionOptions, bool prefill, int? minTokens)
    {
        var sent = new List<string>();
        if (prefill && _options.ContinueFinalMessage && !_refused.ContainsKey(ContinueFinalMessageParameter))
        {
            completionOptions.Patch.Set("$.continue_final_message"u8, true);
            completionOptions.Patch.Set("$.add_generation_prompt"u8, false);
            sent.Add(ContinueFinalMessageParameter);
        }

        if (minTokens is { } tokens && !_refused.ContainsKey(MinTokensParameter))
        {
            completionOptions.Patch.Set("$.min_tokens"u8, tokens);
            sent.Add(MinTokensParameter);
        }

        return sent;
    }

    private string? PrefillReport(bool prefill) =>
        !prefill || !_options.ContinueFinalMessage ? null
        : _refused.ContainsKey(ContinueFinalMessageParameter) ? Prefill.Refused
        : Prefill.Sent;

    // The extra parameter a 400 names (the pair continue_final_message / add_generation_prompt counts as one), or null.
    private static string? RefusedParameter(ClientResultException ex, List<string> extras)
    {
        if (extras.Count == 0)
        {
            return null;
        }

        var body = ex.GetRawResponse()?.Content?.ToString() ?? string.Empty;
        var text = ex.Message + "\n" + body;
        foreach (var name in extras)
        {
            if (text.Contains(name, StringComparison.Ordinal)
                || (name == ContinueFinalMessageParameter && text.Contains(AddGenerationPromptParameter, StringComparison.Ordinal)))
            {
                return name;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _inner.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{Backend} model {Model}";

    // The request's hints when any is sent; sets them for the header policy on this flow and writes the request log line.
    private WorkflowHints? ActiveHints(ChatOptions? options)
    {
        var hints = _options.Hints.Enabled ? WorkflowHints.From(options) : null;
        CurrentHints.Value = hints;
        if (hints is not null)
        {
            LogHints(_logger, _options.Model, string.IsNullOrEmpty(_options.Hints.SessionHeader) ? null : hints.SessionKey,
                _options.Hints.AgentHints ? hints.ToNvext()?.ToJsonString() : null);
        }

        return hints;
    }

    // Options for the MEAI path: the same options, plus a raw-options factory adding nvext when agent hints are on.
    private ChatOptions? WithHints(ChatOptions? options)
    {
        var hints = ActiveHints(options);
        if (hints is null || !_options.Hints.AgentHints || hints.ToNvext() is null)
        {
            return options;
        }

        var result = options!.Clone();
        var previous = result.RawRepresentationFactory;
        result.RawRepresentationFactory = client =>
        {
            var raw = previous?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
            AddAgentHints(raw, hints);
            return raw;
        };
        return result;
    }

    private void AddAgentHints(ChatCompletionOptions completionOptions, WorkflowHints? hints)
    {
        if (_options.Hints.AgentHints && hints?.ToNvext() is { } nvext)
        {
            completionOptions.Patch.Set("$.nvext"u8, BinaryData.FromString(nvext.ToJsonString()));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server of {Model} rejected the request parameter {Parameter}; it is no longer sent")]
    private static partial void LogRefused(ILogger logger, string model, string parameter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request to {Model} with workflow hints: session {Session}, nvext {Nvext}")]
    private static partial void LogHints(ILogger logger, string model, string? session, string? nvext);

    /// <summary>Sets the configured header to the session key of the request in flight, when it has one.</summary>
    private sealed class SessionHeaderPolicy(string header) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        }

        private void Apply(PipelineMessage message)
        {
            if (CurrentHints.Value is { } hints)
            {
                message.Request.Headers.Set(header, hints.SessionKey);
            }
        }
    }

    internal static ChatCompletionOptions ToCompletionOptions(ChatOptions? options, int n)
    {
        var result = new ChatCompletionOptions
        {
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            MaxOutputTokenCount = options?.MaxOutputTokens,
            Seed = options?.Seed,
        };
        if (options?.StopSequences is { Count: > 0 } stops)
        {
            foreach (var stop in stops)
            {
                result.StopSequences.Add(stop);
            }
        }

        if (n > 1)
        {
            // ChatCompletionOptions.N is internal in OpenAI 2.15; the JSON patch is the supported way to send it.
            result.Patch.Set("$.n"u8, n);
        }

        return result;
    }

    internal static MultiChoiceResult ParseChoices(BinaryData content, int expected, IEnumerable<AIChatMessage> prompt)
    {
        using var doc = JsonDocument.Parse(content.ToMemory());
        var root = doc.RootElement;
        var choices = new SortedDictionary<int, string>();
        if (root.TryGetProperty("choices", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var choice in array.EnumerateArray())
            {
                var index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var parsed) ? parsed : position;
                var text = choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                    && message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
                    ? c.GetString() ?? string.Empty
                    : string.Empty;
                choices[index] = text;
                position++;
            }
        }

        if (choices.Count != expected)
        {
            throw new InvalidOperationException($"The server returned {choices.Count} choice(s) for n={expected}; it may not support n.");
        }

        var texts = choices.Values.ToList();
        long promptTokens;
        long completionTokens;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            && usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out promptTokens)
            && usage.TryGetProperty("completion_tokens", out var o) && o.TryGetInt64(out completionTokens))
        {
            return new MultiChoiceResult(texts, promptTokens, completionTokens);
        }

        return new MultiChoiceResult(texts, TokenCounter.CountPrompt(prompt), texts.Sum(t => (long)TokenCounter.Count(t)));
    }

    private static OpenAIChatMessage ToOpenAI(AIChatMessage message)
    {
        var text = message.Text;
        if (message.Role == ChatRole.System)
        {
            return new SystemChatMessage(text);
        }

        if (message.Role == ChatRole.User)
        {
            return new UserChatMessage(text);
        }

        if (message.Role == ChatRole.Assistant)
        {
            return new AssistantChatMessage(text);
        }

        throw new NotSupportedException($"Role '{message.Role}' is not supported in n-choice requests.");
    }
}
