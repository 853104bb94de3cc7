using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Agents.Core.Solving;

namespace Agents.Inference.Replay;

/// <summary>
/// One recorded sample (a JSONL line of a record file). A sample is identified by the hash of its request (messages,
/// temperature, top-p, output limit, model; not the seed) and its effective seed: choice i of a request with seed s has
/// seed <c>SampleSeed.ForChoice(s, i)</c>, so a request for n choices and n single requests with those seeds name the
/// same samples. Without a seed, the choice index stands in for it.
/// </summary>
/// <param name="Request">The request hash (16 hex digits).</param>
/// <param name="Sample">The sample id: <c>s:SEED</c> or <c>i:INDEX</c> when the request had no seed.</param>
/// <param name="Text">The completion.</param>
/// <param name="N">Choices in the recorded request.</param>
/// <param name="PromptTokens">Prompt tokens the recorded request reported (once per request).</param>
/// <param name="CompletionTokens">Completion tokens the recorded request reported (all its choices).</param>
public sealed record ReplayRecord(
    [property: JsonPropertyName("request")] string Request,
    [property: JsonPropertyName("sample")] string Sample,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens)
{
    /// <summary>The JSON options of record files.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = false };

    /// <summary>The hash naming a request's samples.</summary>
    public static string RequestHash(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var builder = new StringBuilder();
        foreach (var message in messages)
        {
            builder.Append(message.Role.Value).Append('\u001f').Append(message.Text).Append('\u001e');
        }

        builder.Append(CultureInfo.InvariantCulture, $"t={options?.Temperature}|p={options?.TopP}|k={options?.TopK}|max={options?.MaxOutputTokens}|m={options?.ModelId}");
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(builder.ToString())).ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>The sample id of choice <paramref name="index"/> of a request with <paramref name="seed"/>.</summary>
    public static string SampleId(long? seed, int index) =>
        seed is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"s:{SampleSeed.ForChoice(s, index)}")
            : string.Create(CultureInfo.InvariantCulture, $"i:{index}");
}
