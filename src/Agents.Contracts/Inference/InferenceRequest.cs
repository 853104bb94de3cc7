namespace Agents.Contracts.Inference;

/// <summary>One chat message of an inference request.</summary>
/// <param name="Role">The chat role (<c>system</c>, <c>user</c>, <c>assistant</c>).</param>
/// <param name="Text">The message text.</param>
[GenerateSerializer, Immutable, Alias("agents.inference-message.v1")]
public sealed record InferenceMessage(
    [property: Id(0)] string Role,
    [property: Id(1)] string Text);

/// <summary>A chat completion request sent to a model replica, asking for <paramref name="N"/> choices.</summary>
/// <param name="Model">The model id as the silos advertise it (see <see cref="GpuSiloMetadata"/>).</param>
/// <param name="Messages">The prompt.</param>
/// <param name="N">Choices wanted (one request, batched on the replica).</param>
/// <param name="Seed">The seed of choice 0, if any.</param>
/// <param name="Temperature">Sampling temperature, if set.</param>
/// <param name="TopP">Nucleus sampling, if set.</param>
/// <param name="MaxTokens">Output limit, if set.</param>
/// <param name="AffinityKey">The problem or run the request belongs to; requests with one key prefer one replica.</param>
/// <param name="MaxQueueWait">How long the replica may keep the request queued before refusing it.</param>
/// <param name="MinTokens">Minimum completion length (vLLM <c>min_tokens</c>), if set.</param>
/// <param name="RequestId">The router's id of this attempt, by which it may withdraw the request while it is queued.</param>
[GenerateSerializer, Immutable, Alias("agents.inference-request.v1")]
public sealed record InferenceRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] ImmutableArray<InferenceMessage> Messages,
    [property: Id(2)] int N = 1,
    [property: Id(3)] long? Seed = null,
    [property: Id(4)] float? Temperature = null,
    [property: Id(5)] float? TopP = null,
    [property: Id(6)] int? MaxTokens = null,
    [property: Id(7)] string? AffinityKey = null,
    [property: Id(8)] TimeSpan? MaxQueueWait = null,
    [property: Id(9)] int? MinTokens = null,
    [property: Id(10)] string? RequestId = null);

/// <summary>The replica's answer: the choices, token usage, and where and how it ran.</summary>
/// <param name="Choices">The completions, choice i drawn with <c>SampleSeed.ForChoice(seed, i)</c>.</param>
/// <param name="PromptTokens">Prompt tokens (counted once).</param>
/// <param name="CompletionTokens">Completion tokens over all choices.</param>
/// <param name="Replica">The replica that served it (<c>model/index</c>).</param>
/// <param name="Silo">The silo address of the replica.</param>
/// <param name="Load">The replica's load right after the request finished.</param>
/// <param name="Prefill">How the backend sent a final assistant message (<c>prefilled</c>, <c>sent</c>, <c>refused</c>), or null.</param>
[GenerateSerializer, Immutable, Alias("agents.inference-response.v1")]
public sealed record InferenceResponse(
    [property: Id(0)] ImmutableArray<string> Choices,
    [property: Id(1)] long PromptTokens,
    [property: Id(2)] long CompletionTokens,
    [property: Id(3)] string Replica,
    [property: Id(4)] string Silo,
    [property: Id(5)] ReplicaLoad Load,
    [property: Id(6)] string? Prefill = null);

/// <summary>A replica's load and limits.</summary>
/// <param name="Replica">The replica key (<c>model/index</c>).</param>
/// <param name="Silo">The silo address hosting it.</param>
/// <param name="Active">Requests being served now.</param>
/// <param name="Queued">Requests waiting for a slot.</param>
/// <param name="Capacity">Concurrent requests allowed.</param>
/// <param name="QueueLimit">Queued requests allowed; more are refused with <see cref="OverloadReason.QueueFull"/>.</param>
/// <param name="Healthy">Whether the backend passes its health checks.</param>
/// <param name="Served">Requests completed since activation.</param>
/// <param name="MaxQueued">The longest the queue has been since activation.</param>
[GenerateSerializer, Immutable, Alias("agents.replica-load.v1")]
public sealed record ReplicaLoad(
    [property: Id(0)] string Replica,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Active,
    [property: Id(3)] int Queued,
    [property: Id(4)] int Capacity,
    [property: Id(5)] int QueueLimit,
    [property: Id(6)] bool Healthy,
    [property: Id(7)] long Served,
    [property: Id(8)] int MaxQueued)
{
    /// <summary>Requests in the replica (serving or queued).</summary>
    public int InFlight => Active + Queued;
}
