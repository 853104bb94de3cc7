using System.Text.Json;
using Agents.Core.Problems;
using Agents.Inference.Sampling;
using Agents.Inference.Simulation;

namespace Agents.Inference.Replay;

/// <summary>
/// The <c>replay:FILE</c> backend: serves the samples of a record file (see <see cref="RecordingChatClient"/>) exactly,
/// with their recorded token counts, and fails with a <see cref="ModelBackendException"/> naming the request on any
/// sample the file does not hold. It answers n-choice requests, so it replays records of either sampling path.
/// </summary>
public sealed class ReplayChatClient : MultiChoiceChatClientBase
{
    private readonly Dictionary<(string Request, string Sample), ReplayRecord> _records = [];
    private readonly ChatClientMetadata _metadata;

    /// <summary>The longest record line read (characters): a file without newlines fails at this length, not when memory runs out.</summary>
    public const int MaxLineLength = 16_000_000;

    /// <summary>Loads a record file; throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/> naming the file and line.</summary>
    public ReplayChatClient(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"replay: record file '{Path}' does not exist.", Path);
        }

        foreach (var bounded in BoundedLines.ReadFile(Path, MaxLineLength))
        {
            var line = bounded.Number;
            if (bounded.Text is not { } text)
            {
                throw new InvalidDataException($"replay: {Path}: {BoundedLines.TooLongMessage(bounded, MaxLineLength)}; not a record file.");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            ReplayRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<ReplayRecord>(text, ReplayRecord.Json);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"replay: {Path}:{line}: not a record ({ex.Message}).", ex);
            }

            if (record is null || record.Request is null || record.Sample is null || record.Text is null)
            {
                throw new InvalidDataException($"replay: {Path}:{line}: a record needs request, sample and text.");
            }

            // The first recording of a sample wins; a rerun that recorded again wrote the same text.
            _records.TryAdd((record.Request, record.Sample), record);
        }

        _metadata = new ChatClientMetadata("replay", new Uri(Path), System.IO.Path.GetFileName(Path));
    }

    /// <summary>The record file.</summary>
    public string Path { get; }

    /// <summary>Samples held.</summary>
    public int Count => _records.Count;

    /// <inheritdoc/>
    public override Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var hash = ReplayRecord.RequestHash(prompt, options);
        var records = Enumerable.Range(0, n).Select(i => Find(hash, ReplayRecord.SampleId(options?.Seed, i), prompt)).ToArray();

        // Same request shape as recorded: the recorded totals exactly; otherwise each sample's share of its request's totals.
        var sameShape = records.All(r => r.N == n) && records.Select(r => (r.PromptTokens, r.CompletionTokens)).Distinct().Count() == 1;
        var promptTokens = sameShape ? records[0].PromptTokens : records[0].PromptTokens;
        var completionTokens = sameShape ? records[0].CompletionTokens : records.Sum(r => r.CompletionTokens / Math.Max(1, r.N));
        return Task.FromResult(new MultiChoiceResult([.. records.Select(r => r.Text)], promptTokens, completionTokens));
    }

    /// <inheritdoc/>
    protected override ChatClientMetadata Metadata => _metadata;


    private ReplayRecord Find(string hash, string sample, IReadOnlyList<ChatMessage> prompt)
    {
        if (_records.TryGetValue((hash, sample), out var record))
        {
            return record;
        }

        var first = prompt.Count > 0 ? prompt[^1].Text : string.Empty;
        var excerpt = first.Length > 80 ? first[..80] + "…" : first;
        throw new ModelBackendException(
            $"replay: {Path} has no recorded response for request {hash} sample {sample} (last message: \"{excerpt}\"); the run asked for something the recorded run did not.",
            "replay",
            System.IO.Path.GetFileName(Path),
            null,
            1,
            null);
    }
}
