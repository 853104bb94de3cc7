using System.Text;
using System.Text.Json;

namespace Agents.Client;

/// <summary>
/// A batch's output JSONL and, optionally, its transcripts JSONL: opened by reading (and repairing) the rows already
/// there, so a rerun skips their ids; appends a row and its transcript together and flushes both together.
/// </summary>
public sealed class ResumableOutput : IAsyncDisposable
{
    private readonly HashSet<string> _ids;
    private StreamWriter? _rows;
    private StreamWriter? _transcripts;

    private ResumableOutput(string path, string? transcriptsPath, List<OutputRow> existing)
    {
        Path = path;
        TranscriptsPath = transcriptsPath;
        Existing = existing;
        _ids = existing.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The output JSONL.</summary>
    public string Path { get; }

    /// <summary>The transcripts JSONL, or null when transcripts are not written (cluster mode keeps them in the cluster).</summary>
    public string? TranscriptsPath { get; }

    /// <summary>The rows the file had when it was opened.</summary>
    public IReadOnlyList<OutputRow> Existing { get; }

    /// <summary>Rows appended since it was opened (an interrupted run's summary still counts them).</summary>
    public int Appended { get; private set; }

    /// <summary>Opens <paramref name="path"/> (creating its directory), cutting off a torn last line.</summary>
    public static ResumableOutput Open(string path, string? transcriptsPath)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new ResumableOutput(path, transcriptsPath, OutputFile.ReadAndRepair(path));
    }

    /// <summary>The path next to an output: r.jsonl -> r.summary.json, r.transcripts.jsonl.</summary>
    public static string SidePath(string output, string suffix)
    {
        var directory = System.IO.Path.GetDirectoryName(output);
        var name = System.IO.Path.GetFileNameWithoutExtension(output) + suffix;
        return string.IsNullOrEmpty(directory) ? name : System.IO.Path.Combine(directory, name);
    }

    /// <summary>Whether the output has a row for <paramref name="problemId"/>.</summary>
    public bool Contains(string problemId) => _ids.Contains(problemId);

    /// <summary>
    /// Appends the row of <paramref name="result"/> (and its transcript when transcripts are written and one is given);
    /// false, writing nothing, when the output already has that id.
    /// </summary>
    public async Task<bool> AppendAsync(RunResult result, string jobId, ImmutableArray<TranscriptEntry>? transcript, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_ids.Add(result.ProblemId))
        {
            return false;
        }

        _rows ??= Writer(Path);
        await _rows.WriteLineAsync(JsonSerializer.Serialize(OutputRow.From(result, jobId), OutputRow.Json).AsMemory(), cancellationToken);
        if (TranscriptsPath is not null && transcript is { } messages)
        {
            _transcripts ??= Writer(TranscriptsPath);
            var line = JsonSerializer.Serialize(new { job = jobId, problem_id = result.ProblemId, messages }, OutputRow.Json);
            await _transcripts.WriteLineAsync(line.AsMemory(), cancellationToken);
        }

        Appended++;
        return true;
    }

    /// <summary>Flushes the rows and the transcripts, so a row on disk has its transcript on disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_transcripts is not null)
        {
            await _transcripts.FlushAsync(cancellationToken);
        }

        if (_rows is not null)
        {
            await _rows.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Flushes and closes both files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transcripts is not null)
        {
            await _transcripts.DisposeAsync();
        }

        if (_rows is not null)
        {
            await _rows.DisposeAsync();
        }
    }

    private static StreamWriter Writer(string path) => new(path, append: true, new UTF8Encoding(false));
}
