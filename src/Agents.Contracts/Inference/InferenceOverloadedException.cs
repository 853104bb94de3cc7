namespace Agents.Contracts.Inference;

/// <summary>Why an inference replica refused or gave up on a request.</summary>
public enum OverloadReason
{
    /// <summary>The replica's bounded queue was full when the request arrived.</summary>
    QueueFull,

    /// <summary>The request waited in the queue (or for a free replica) past its deadline.</summary>
    Deadline,

    /// <summary>The replica's backend is failing its health checks.</summary>
    Unhealthy,

    /// <summary>The router took the request back from the replica's queue to send it to a replica with a free slot.</summary>
    Withdrawn,
}

/// <summary>
/// A retryable refusal: the model's replicas were full (or unhealthy) until the request's deadline. Nothing was
/// generated, so the caller may retry the same request later.
/// </summary>
[GenerateSerializer, Alias("agents.inference-overloaded-exception.v1")]
public sealed class InferenceOverloadedException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public InferenceOverloadedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public InferenceOverloadedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (the cause is not sent across the wire).</summary>
    public InferenceOverloadedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the request was refused.</summary>
    [Id(0)] public OverloadReason Reason { get; init; }

    /// <summary>The replica that refused (<c>model/index</c>), when one did.</summary>
    [Id(1)] public string? Replica { get; init; }

    /// <summary>Always true: no work was done, the request can be sent again.</summary>
    public static bool IsRetryable => true;
}
