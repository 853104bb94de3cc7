namespace Agents.Contracts.Solving;

/// <summary>
/// An agent's model call failed for good (a backend error past its retries, or an unparsable reply). It crosses
/// grain and client boundaries with its message intact, so a failed run records why.
/// </summary>
[GenerateSerializer, Alias("agents.agent-call-exception.v1")]
public sealed class AgentCallException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public AgentCallException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public AgentCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (the cause is not sent across the wire).</summary>
    public AgentCallException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The agent role whose call failed.</summary>
    [Id(0)] public string? Role { get; init; }
}
