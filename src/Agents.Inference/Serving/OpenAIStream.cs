using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Agents.Inference.Serving;

/// <summary>
/// Writes an OpenAI chat completion stream (server-sent events): <c>chat.completion.chunk</c> objects as <c>data:</c>
/// events, SSE comment lines that keep proxies from closing a quiet connection, and the closing <c>data: [DONE]</c>.
/// Writes are serialised, so a heartbeat may interleave with the main writer; every write is flushed at once.
/// </summary>
public sealed class OpenAIStream(HttpResponse response) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Sets the event-stream headers; call before the first write.</summary>
    public void Start()
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Sends one event carrying <paramref name="data"/> as JSON.</summary>
    public Task DataAsync(JsonNode data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        return WriteAsync($"data: {data.ToJsonString()}\n\n", cancellationToken);
    }

    /// <summary>Sends an SSE comment line (<c>: text</c>), which clients ignore.</summary>
    public Task CommentAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync($": {text.ReplaceLineEndings(" ")}\n\n", cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>Sends the closing <c>data: [DONE]</c>.</summary>
    public Task DoneAsync(CancellationToken cancellationToken) => WriteAsync("data: [DONE]\n\n", cancellationToken);

    /// <summary>A <c>chat.completion.chunk</c> for one choice.</summary>
    public static JsonObject Chunk(string id, long created, string model, int index, JsonObject delta, string? finishReason, bool withUsageField) =>
        Envelope(id, created, model, new JsonArray(new JsonObject
        {
            ["index"] = index,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }), null, withUsageField);

    /// <summary>The usage chunk that ends a stream when the client asked for <c>stream_options.include_usage</c>.</summary>
    public static JsonObject UsageChunk(string id, long created, string model, long promptTokens, long completionTokens) =>
        Envelope(id, created, model, [], new JsonObject
        {
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = completionTokens,
            ["total_tokens"] = promptTokens + completionTokens,
        }, true);

    /// <summary>Cuts a completion into pieces of about a word each (whitespace stays with the word before it), as models stream.</summary>
    public static IEnumerable<string> Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1])))
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static JsonObject Envelope(string id, long created, string model, JsonArray choices, JsonNode? usage, bool withUsageField)
    {
        var chunk = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["system_fingerprint"] = null,
            ["choices"] = choices,
        };
        if (withUsageField)
        {
            chunk["usage"] = usage;
        }

        return chunk;
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
