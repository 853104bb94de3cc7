using System.Text.Json;

namespace Agents.Api.Gateway;

/// <summary>
/// A chat completion request as the gateway understands it: the model name, the problem (the last user message) and
/// the options the strategies use. Unknown fields are ignored, as OpenAI does; a known field of the wrong type or out of
/// range is a 400 naming the field.
/// </summary>
/// <param name="Model">The requested model name.</param>
/// <param name="Problem">The last user message's text.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a stream ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="N">Independent runs of the problem, one choice each.</param>
/// <param name="Temperature">Sampling temperature, or null for the strategy's default.</param>
/// <param name="TopP">Nucleus mass, or null for the strategy's default.</param>
/// <param name="Seed">Run seed, or null for 0 (the batch default).</param>
/// <param name="MaxTokens">Completion cap per agent call, or null for the strategy's default.</param>
public sealed record ChatRequest(
    string Model, string Problem, bool Stream, bool IncludeUsage, int N, double? Temperature, double? TopP, long? Seed, int? MaxTokens)
{
    /// <summary>Reads a request body; throws <see cref="OpenAIErrorException"/> naming the field at fault.</summary>
    public static ChatRequest Parse(JsonElement root, int maxMessages, int maxProblemChars, int maxChoices)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the body must be a JSON object", null);
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } name
            ? name
            : throw Invalid("'model' is required: STRATEGY[@K]:BASE, e.g. magicore:sim (GET /v1/models lists them)", "model");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw Invalid("'messages' must be a non-empty array", "messages");
        }

        if (messages.GetArrayLength() > maxMessages)
        {
            throw Invalid($"'messages' may hold at most {maxMessages} messages", "messages");
        }

        string? problem = null;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()
                : throw Invalid($"messages[{index}] needs a string 'role'", $"messages[{index}].role");
            if (role is not ("system" or "developer" or "user" or "assistant" or "tool" or "function"))
            {
                throw Invalid($"messages[{index}]: unknown role '{(role!.Length > 20 ? role[..20] : role)}'", $"messages[{index}].role");
            }

            if (role == "user")
            {
                problem = Text(message, index);
            }

            index++;
        }

        if (string.IsNullOrWhiteSpace(problem))
        {
            throw Invalid("the last user message is the problem; 'messages' has no user message with text", "messages");
        }

        if (problem.Length > maxProblemChars)
        {
            throw Invalid($"the problem is {problem.Length} characters; at most {maxProblemChars} are accepted", "messages");
        }

        var stream = OptionalBool(root, "stream") ?? false;
        var includeUsage = false;
        if (root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind != JsonValueKind.Null)
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("'stream_options' must be an object", "stream_options");
            }

            includeUsage = OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
        }

        var n = OptionalInt(root, "n") ?? 1;
        if (n < 1 || n > maxChoices)
        {
            throw Invalid($"'n' must be between 1 and {maxChoices}", "n");
        }

        var temperature = OptionalDouble(root, "temperature");
        if (temperature is < 0 or > 2)
        {
            throw Invalid("'temperature' must be between 0 and 2", "temperature");
        }

        var topP = OptionalDouble(root, "top_p");
        if (topP is <= 0 or > 1)
        {
            throw Invalid("'top_p' must be in (0, 1]", "top_p");
        }

        long? seed = root.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null
            ? (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var parsedSeed) ? parsedSeed : throw Invalid("'seed' must be an integer", "seed"))
            : null;
        var maxTokens = OptionalInt(root, "max_completion_tokens") ?? OptionalInt(root, "max_tokens");
        if (maxTokens is < 1)
        {
            throw Invalid("'max_tokens' must be positive", root.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens");
        }

        return new ChatRequest(name, problem, stream, includeUsage, n, temperature, topP, seed, maxTokens);
    }

    private static string Text(JsonElement message, int index)
    {
        var content = message.TryGetProperty("content", out var c) ? c : default;
        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueEquals("text"))
                .Select(part => part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "")),
            _ => throw Invalid($"messages[{index}].content must be a string or an array of text parts", $"messages[{index}].content"),
        };
    }

    private static OpenAIErrorException Invalid(string message, string? param) => new(OpenAIError.Invalid(message, param));

    private static bool? OptionalBool(JsonElement root, string name, string? param = null) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid($"'{param ?? name}' must be a boolean", param ?? name),
            }
            : null;

    private static int? OptionalInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var parsed) ? parsed : throw Invalid($"'{name}' must be an integer", name))
            : null;

    private static double? OptionalDouble(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Invalid($"'{name}' must be a number", name))
            : null;
}
