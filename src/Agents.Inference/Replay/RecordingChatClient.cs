using System.Runtime.CompilerServices;
using System.Text.Json;
using Agents.Inference.Simulation;

namespace Agents.Inference.Replay;

/// <summary>
/// Wraps any backend and appends every sample it returns to a JSONL record file (see <see cref="ReplayRecord"/>), so
/// <c>replay:FILE</c> can serve the run again. Several clients may share one <see cref="RecordFile"/>.
/// </summary>
public sealed class RecordingChatClient(IChatClient inner, RecordFile file) : DelegatingChatClient(inner), IMultiChoiceChatClient
{
    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var response = await base.GetResponseAsync(prompt, options, cancellationToken).ConfigureAwait(false);
        var promptTokens = response.Usage?.InputTokenCount ?? Accounting.TokenCounter.CountPrompt(prompt);
        var completionTokens = response.Usage?.OutputTokenCount ?? Accounting.TokenCounter.Count(response.Text);
        await file.AppendAsync(
            [new ReplayRecord(ReplayRecord.RequestHash(prompt, options), ReplayRecord.SampleId(options?.Seed, 0), response.Text, 1, promptTokens, completionTokens)],
            cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public async Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        var multi = InnerClient.GetService<IMultiChoiceChatClient>()
            ?? throw new NotSupportedException("The recorded backend does not answer n-choice requests.");
        var prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var result = await multi.GetChoicesAsync(prompt, options, n, cancellationToken).ConfigureAwait(false);
        var hash = ReplayRecord.RequestHash(prompt, options);
        await file.AppendAsync(
            [.. result.Choices.Select((text, i) => new ReplayRecord(hash, ReplayRecord.SampleId(options?.Seed, i), text, n, result.PromptTokens, result.CompletionTokens))],
            cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType == typeof(IMultiChoiceChatClient))
        {
            // Only claim n-choice support when the recorded backend has it, so sampling takes the same path as without recording.
            return InnerClient.GetService<IMultiChoiceChatClient>() is null ? null : this;
        }

        return base.GetService(serviceType, serviceKey);
    }
}

/// <summary>An append-only JSONL record file shared by recording clients; each sample is one line, flushed at once.</summary>
public sealed class RecordFile : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StreamWriter _writer;

    /// <summary>Opens (appending to) the file.</summary>
    public RecordFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Appends records, one line each.</summary>
    public async Task AppendAsync(IReadOnlyList<ReplayRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var record in records)
            {
                await _writer.WriteLineAsync(JsonSerializer.Serialize(record, ReplayRecord.Json)).ConfigureAwait(false);
            }

            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer.Dispose();
        _gate.Dispose();
    }
}
