using System.Text.Json.Nodes;

namespace Agents.Api.Gateway;

/// <summary>An error in OpenAI's shape (<c>{"error": {message, type, param, code}}</c>), which OpenAI clients parse.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">What is wrong, never quoting secrets.</param>
/// <param name="Type"><c>invalid_request_error</c>, <c>authentication_error</c>, <c>rate_limit_error</c> or <c>server_error</c>.</param>
/// <param name="Param">The request field at fault, or null.</param>
/// <param name="Code">A machine-readable code, or null.</param>
public sealed record OpenAIError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    /// <summary>A 400 about one request field.</summary>
    public static OpenAIError Invalid(string message, string? param, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>The body OpenAI clients read.</summary>
    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject { ["message"] = Message, ["type"] = Type, ["param"] = Param, ["code"] = Code },
    };

    /// <summary>The error as an HTTP result.</summary>
    public IResult ToResult() => Results.Text(ToJson().ToJsonString(), "application/json", System.Text.Encoding.UTF8, Status);

    /// <summary>Writes the error to a response that has not started.</summary>
    public Task WriteAsync(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = Status;
        response.ContentType = "application/json";
        return response.WriteAsync(ToJson().ToJsonString());
    }
}

/// <summary>Thrown while reading a request that breaks the contract; carries the error the client gets.</summary>
public sealed class OpenAIErrorException(OpenAIError error) : Exception(error?.Message)
{
    /// <summary>The error.</summary>
    public OpenAIError Error { get; } = error ?? throw new ArgumentNullException(nameof(error));
}
