using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Agents.Inference.Backends;

/// <summary>
/// What a workflow knows about one request that a router in front of an OpenAI-compatible server can use: the problem run
/// the request belongs to (its session key), how urgent it is, and how long its answer is expected to be. Callers attach it
/// as the <see cref="Property"/> chat option; <see cref="OpenAICompatibleChatClient"/> sends it when <see cref="ModelHintOptions"/> say so.
/// </summary>
/// <param name="SessionKey">The problem run's key (see <see cref="SessionKeyFor"/>); never a secret.</param>
/// <param name="Priority">The run's priority (higher first), e.g. for a run that a barrier waits on; null when unknown.</param>
/// <param name="ExpectedOutputTokens">The expected answer length in tokens; null when unknown.</param>
public sealed record WorkflowHints(string SessionKey, int? Priority = null, int? ExpectedOutputTokens = null)
{
    /// <summary>The chat-option key carrying the hints.</summary>
    public const string Property = "agents.hints";

    /// <summary>The longest session key sent as is; longer (or non-printable) keys are sent as a hash.</summary>
    public const int MaxSessionKeyLength = 128;

    /// <summary>
    /// The session key of one problem run: <c>JOB/PROBLEM</c>, stable across the run's requests and distinct between runs.
    /// A key that is too long or not printable ASCII becomes <c>h-</c> and 32 hex digits of its SHA-256, so it fits in a header.
    /// </summary>
    public static string SessionKeyFor(string jobId, string problemId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        ArgumentException.ThrowIfNullOrWhiteSpace(problemId);
        var key = jobId + "/" + problemId;
        return key.Length <= MaxSessionKeyLength && key.All(c => c is > ' ' and < (char)127)
            ? key
            : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
    }

    /// <summary>The hints attached to <paramref name="options"/>, or null.</summary>
    public static WorkflowHints? From(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Property, out var value) == true ? value as WorkflowHints : null;

    /// <summary>A copy of <paramref name="options"/> (or new options) carrying these hints.</summary>
    public ChatOptions ApplyTo(ChatOptions? options)
    {
        var result = options?.Clone() ?? new ChatOptions();
        result.AdditionalProperties = result.AdditionalProperties is { } existing ? new(existing) : [];
        result.AdditionalProperties[Property] = this;
        return result;
    }

    /// <summary>The Dynamo-style <c>nvext</c> object (<c>{"agent_hints":{"priority":…,"osl":…}}</c>), or null when there is no hint to send.</summary>
    public JsonObject? ToNvext()
    {
        if (Priority is null && ExpectedOutputTokens is null)
        {
            return null;
        }

        var hints = new JsonObject();
        if (Priority is { } priority)
        {
            hints["priority"] = priority;
        }

        if (ExpectedOutputTokens is { } osl)
        {
            hints["osl"] = osl;
        }

        return new JsonObject { ["agent_hints"] = hints };
    }
}
