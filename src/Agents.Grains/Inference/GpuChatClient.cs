using Agents.Contracts.Inference;
using Agents.Inference;
using Agents.Inference.Gpu;
using Agents.Inference.Sampling;
using Agents.Inference.Simulation;

namespace Agents.Grains.Inference;

/// <summary>
/// The <see cref="IChatClient"/> agents use in cluster mode: each call (n choices in one request) goes through the
/// <see cref="InferenceRouter"/> to a replica of the model. The affinity key is, in order: the
/// <see cref="AffinityKeyProperty"/> chat option, the <see cref="AffinityKeyProperty"/> Orleans request-context value,
/// or a hash of the first user message (the problem statement, which is also the prompt prefix a KV cache keeps).
/// </summary>
public sealed class GpuChatClient(InferenceRouter router, string model, IChatClient? localFallback = null) : MultiChoiceChatClientBase
{
    /// <summary>The chat-option / request-context key carrying the affinity key.</summary>
    public const string AffinityKeyProperty = "agents.affinity";

    /// <inheritdoc/>
    protected override ChatClientMetadata Metadata { get; } = new("agents-gpu", null, model);

    /// <summary>The model id or spec this client routes.</summary>
    public string Model => model;

    /// <inheritdoc/>
    public override async Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (UsesFallback)
        {
            return await localFallback!.GetService<IMultiChoiceChatClient>()!.GetChoicesAsync(prompt, options, n, cancellationToken);
        }

        var response = await router.SendAsync(ToRequest(prompt, options, n), cancellationToken: cancellationToken);
        return new MultiChoiceResult(response.Choices, response.PromptTokens, response.CompletionTokens)
        {
            Prefill = response.Prefill,
            Properties = new Dictionary<string, object?> { ["replica"] = response.Replica, ["silo"] = response.Silo },
        };
    }

    /// <summary>Choice 0 of a routed request, or the local fallback's own response when no replica serves the model.</summary>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return UsesFallback
            ? localFallback!.GetResponseAsync(messages, options, cancellationToken)
            : base.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <summary>The affinity key of a request (see the class remarks).</summary>
    public static string AffinityKey(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.AdditionalProperties?.TryGetValue(AffinityKeyProperty, out var fromOptions) == true && fromOptions is not null)
        {
            return fromOptions.ToString()!;
        }

        if (RequestContext.Get(AffinityKeyProperty) is string fromContext)
        {
            return fromContext;
        }

        var first = messages.FirstOrDefault(m => m.Role == ChatRole.User) ?? (messages.Count > 0 ? messages[0] : null);
        return "prompt:" + ReplicaSelector.Hash(first?.Text ?? string.Empty).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool UsesFallback => localFallback is not null && router.FindModel(model) is null;

    private InferenceRequest ToRequest(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int n) => new(
        model,
        [.. messages.Select(m => new InferenceMessage(m.Role.Value, m.Text))],
        n,
        options?.Seed,
        options?.Temperature,
        options?.TopP,
        options?.MaxOutputTokens,
        AffinityKey(messages, options),
        MinTokens: MultiChoiceResult.MinTokens(options));
}
