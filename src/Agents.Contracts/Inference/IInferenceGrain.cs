namespace Agents.Contracts.Inference;

/// <summary>
/// One replica of a model (key = <c>model/index</c>), placed only on gpu silos that host the model. It serves at most
/// its capacity at once, queues a bounded number more, and refuses the rest with a retryable
/// <see cref="InferenceOverloadedException"/>.
/// </summary>
[Alias("agents.inference")]
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>Serves a request (waiting in the bounded queue up to the request's <c>MaxQueueWait</c>).</summary>
    [Alias("complete")]
    Task<InferenceResponse> CompleteAsync(InferenceRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes back the request with <see cref="InferenceRequest.RequestId"/> <paramref name="requestId"/> while it is still
    /// queued here: its <see cref="CompleteAsync"/> then fails with <see cref="OverloadReason.Withdrawn"/>, having
    /// generated nothing, and its router sends it to a replica with a free slot. False when the request is not queued
    /// here (already serving, finished, or never sent).
    /// </summary>
    [Alias("withdraw")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> WithdrawAsync(string requestId);

    /// <summary>The replica's current load (activates it if needed).</summary>
    [Alias("load")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ReplicaLoad> GetLoadAsync();
}
