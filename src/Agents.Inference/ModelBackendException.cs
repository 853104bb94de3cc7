namespace Agents.Inference;

/// <summary>A model backend failed for good: a non-retryable error, or transient errors past the retry cap.</summary>
public sealed class ModelBackendException : Exception
{
    /// <summary>Creates an exception with a message only.</summary>
    public ModelBackendException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public ModelBackendException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public ModelBackendException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception describing a failed backend call.</summary>
    public ModelBackendException(string message, string backend, string? model, int? statusCode, int attempts, Exception? innerException)
        : base(message, innerException)
    {
        Backend = backend;
        Model = model;
        StatusCode = statusCode;
        Attempts = attempts;
    }

    /// <summary>The backend's base URL (or name).</summary>
    public string? Backend { get; }

    /// <summary>The model name.</summary>
    public string? Model { get; }

    /// <summary>The last HTTP status, when the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }
}
