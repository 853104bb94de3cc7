namespace Agents.Contracts.Inference;

/// <summary>
/// No active silo advertises <c>gpu=true</c> and hosts the requested model (or every such silo is unhealthy), so an
/// inference replica cannot be placed. It keeps its type across grain and client boundaries.
/// </summary>
[GenerateSerializer, Alias("agents.no-gpu-silo-exception.v1")]
public sealed class NoGpuSiloException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public NoGpuSiloException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public NoGpuSiloException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (the cause is not sent across the wire).</summary>
    public NoGpuSiloException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The model id that could not be placed.</summary>
    [Id(0)] public string? Model { get; init; }
}
