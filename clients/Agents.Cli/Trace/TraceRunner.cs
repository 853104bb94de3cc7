using System.Globalization;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.Runs;
using Spectre.Console;

namespace Agents.Cli.Trace;

/// <summary>Where <c>agents trace</c> finds a run: a transcripts file (embedded runs) or the cluster's run grain.</summary>
internal sealed record TraceSettings(string Problem, string? Transcripts = null, string? Job = null, string? Cluster = null, bool Json = false);

/// <summary>One run's transcript: the line format of <c>transcripts.jsonl</c> and of <c>agents trace --json</c>.</summary>
internal sealed record TranscriptDocument(string Job, string ProblemId, IReadOnlyList<TranscriptEntry> Messages);

/// <summary>Runs <c>agents trace</c>: prints a run's agent conversation in order, as a table or as JSON.</summary>
internal sealed class TraceRunner(IAnsiConsole console, TextWriter output, TextWriter errors)
{
    /// <summary>Characters of message text the table shows.</summary>
    public const int ExcerptLength = 120;

    private static readonly JsonSerializerOptions Indented = new(OutputRow.Json) { WriteIndented = true };

    public async Task<int> RunAsync(TraceSettings settings, CancellationToken cancellationToken)
    {
        if ((settings.Transcripts is null) == (settings.Job is null))
        {
            return await FailAsync("give either --transcripts FILE or --job ID (with --cluster), and --problem ID");
        }

        TranscriptDocument? document;
        try
        {
            document = settings.Transcripts is not null
                ? await FromFileAsync(settings.Transcripts, settings.Problem, cancellationToken)
                : await FromClusterAsync(settings, cancellationToken);
        }
        catch (TraceException ex)
        {
            return await FailAsync(ex.Message);
        }

        if (document is null)
        {
            return ExitCodes.Error;
        }

        if (settings.Json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(document, Indented));
            return ExitCodes.Ok;
        }

        console.MarkupLine($"[bold]{Markup.Escape(document.ProblemId)}[/] in job {Markup.Escape(document.Job)}: {document.Messages.Count} messages");
        console.Write(ToTable(document.Messages, FittingExcerptLength()));
        return ExitCodes.Ok;
    }

    /// <summary>The conversation as a table: seq, round, from → to, kind, a one-line text excerpt, tokens.</summary>
    public static Table ToTable(IEnumerable<TranscriptEntry> messages, int excerptLength = ExcerptLength)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("seq").RightAligned());
        table.AddColumn(new TableColumn("round").RightAligned());
        table.AddColumn(new TableColumn("from → to").NoWrap());
        table.AddColumn(new TableColumn("kind").NoWrap());
        table.AddColumn("text");
        table.AddColumn(new TableColumn("tokens p/c").RightAligned().NoWrap());
        foreach (var m in messages.OrderBy(m => m.Seq))
        {
            table.AddRow(
                new Text(m.Seq.ToString(CultureInfo.InvariantCulture)), new Text(m.Round.ToString(CultureInfo.InvariantCulture)),
                new Text($"{m.From} → {m.To}"), new Text(m.Kind), new Text(Excerpt(m.Text, excerptLength)),
                new Text(m.PromptTokens + m.CompletionTokens == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{m.PromptTokens}/{m.CompletionTokens}")));
        }

        return table;
    }

    /// <summary>The text on one line (whitespace runs collapsed), cut to <paramref name="length"/> characters.</summary>
    public static string Excerpt(string text, int length = ExcerptLength)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= length ? line : line[..length] + "…";
    }

    // The other columns and the borders take about 76 characters; a narrower terminal gets a shorter excerpt.
    private int FittingExcerptLength() => Math.Clamp(console.Profile.Width - 76, 24, ExcerptLength);

    private static async Task<TranscriptDocument> FromFileAsync(string path, string problem, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new TraceException($"transcripts file not found: {path}");
        }

        TranscriptDocument? found = null;
        var runs = new List<string>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, Encoding.UTF8, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            TranscriptDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<TranscriptDocument>(line, OutputRow.Json);
            }
            catch (JsonException ex)
            {
                // A torn last line (the run was killed mid-write) must not hide the runs before it.
                if (lineNumber == 1 || found is null)
                {
                    runs.Add($"(line {lineNumber} unreadable: {ex.Message})");
                }

                continue;
            }

            if (document is null)
            {
                continue;
            }

            runs.Add(document.ProblemId);
            if (document.ProblemId == problem)
            {
                // A resumed run may append the same problem again; the last one is the run the results file holds.
                found = document;
            }
        }

        if (found is null)
        {
            var known = runs.Take(5).ToList();
            throw new TraceException($"problem '{problem}' is not in {path} ({runs.Count} runs"
                + (known.Count > 0 ? $", e.g. {string.Join(", ", known)}" : "") + ")");
        }

        return found;
    }

    private async Task<TranscriptDocument?> FromClusterAsync(TraceSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Cluster))
        {
            throw new TraceException("--job reads the transcript from a cluster: add --cluster redis://HOST:PORT (embedded runs wrote theirs to a transcripts file; use --transcripts FILE)");
        }

        await using var connection = await AgentsConnection.OpenAsync(settings.Cluster, new Dictionary<string, string?>(), cancellationToken);
        var messages = await connection.Grains.GetGrain<IProblemRunGrain>($"{settings.Job}/{settings.Problem}").GetTranscriptAsync();
        if (messages.IsDefaultOrEmpty)
        {
            await errors.WriteLineAsync($"error: no transcript for problem '{settings.Problem}' in job '{settings.Job}' on {connection.Description} (unknown job or problem id, or the run has not started)");
            return null;
        }

        return new TranscriptDocument(settings.Job!, settings.Problem, messages);
    }

    private async Task<int> FailAsync(string message)
    {
        await errors.WriteLineAsync($"error: {message}");
        return ExitCodes.Error;
    }

    private sealed class TraceException(string message) : Exception(message);
}
