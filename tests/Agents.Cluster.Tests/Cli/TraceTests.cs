using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Cli.Trace;
using Agents.Core.Simulation;
using Spectre.Console;

namespace Agents.Cluster.Tests.Cli;

/// <summary>A MAgICoRe batch on an embedded silo, run once for the trace tests; it holds at least one refined (hard) problem.</summary>
public sealed class MagicoreRunFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-trace-");

    public string Output => Path.Combine(_dir.FullName, "r.jsonl");

    public string Transcripts => ResumableOutput.SidePath(Output, ".transcripts.jsonl");

    internal List<OutputRow> Rows { get; private set; } = [];

    public async Task InitializeAsync()
    {
        // 60 problems of seed 4 with k = 4 hold refined problems (synth-0013 among them) under run seed 0.
        var input = Path.Combine(_dir.FullName, "synth.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(60, 4).Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });
        var exit = await new BatchRunner(console, TextWriter.Null).RunAsync(new BatchSettings(input, "magicore", Output, K: 4, Rounds: 2), CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, exit);
        Rows = OutputFile.ReadAndRepair(Output);
    }

    public Task DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary><c>agents trace</c>: the conversation of a refined MAgICoRe problem, JSON round trip and clear errors.</summary>
public sealed class TraceTests(MagicoreRunFixture run) : IClassFixture<MagicoreRunFixture>
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _json = new();
    private readonly StringWriter _errors = new();

    private IAnsiConsole Console
    {
        get
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
            console.Profile.Width = 250;
            return console;
        }
    }

    [Fact]
    public async Task Trace_RefinedMagicoreProblem_ShowsSolverScorerReviewerAndRefinerForEachRound()
    {
        var refined = run.Rows.First(r => r.Rounds > 0);
        var hardRounds = Enumerable.Range(1, 2).Where(t => run.Rows.Single(r => r.Id == refined.Id).Details[$"round{t}"].StartsWith("hard", StringComparison.Ordinal)).ToList();
        Assert.Equal(refined.Rounds, hardRounds.Count);

        var table = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings(refined.Id, Transcripts: run.Transcripts), CancellationToken.None);
        var json = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings(refined.Id, Transcripts: run.Transcripts, Json: true), CancellationToken.None);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (table, json));
        var messages = JsonSerializer.Deserialize<TranscriptDocument>(_json.ToString(), OutputRow.Json)!.Messages;
        Assert.Equal(messages.Select(m => m.Seq).Order(), messages.Select(m => m.Seq));
        Assert.Contains(messages, m => m.Round == 0 && m.From == "solver" && m.Kind == "sample");
        Assert.Contains(messages, m => m.Round == 0 && m.From == "scorer");
        foreach (var t in hardRounds)
        {
            Assert.Contains(messages, m => m.Round == t && m.From == "reviewer" && m.To == "refiner" && m.Kind == "feedback");
            Assert.Contains(messages, m => m.Round == t && m.From == "refiner" && m.Kind == "refinement");
            Assert.Contains(messages, m => m.Round == t && m.From == "scorer" && m.Kind == "scores");
        }

        // The table: one line per message, in order, with the roles and an excerpt of at most ~120 characters.
        var lines = _out.ToString().Split('\n');
        Assert.Contains($"{refined.Id} in job", lines[0], StringComparison.Ordinal);
        var rows = lines.Where(l => l.StartsWith('│') && !l.Contains("from → to", StringComparison.Ordinal)).ToList();
        Assert.Equal(messages.Count, rows.Count);
        Assert.All(new[] { "solver → run", "scorer → run", "reviewer → refiner", "refiner → run" }, role => Assert.Contains(rows, r => r.Contains(role, StringComparison.Ordinal)));
        Assert.All(rows, r => Assert.True(r.Split('│')[5].Trim().Length <= TraceRunner.ExcerptLength + 1, r));
    }

    [Fact]
    public async Task Trace_Json_RoundTripsTheTranscriptsLine()
    {
        var id = run.Rows[0].Id;
        var line = File.ReadAllLines(run.Transcripts).Single(l => JsonDocument.Parse(l).RootElement.GetProperty("problem_id").GetString() == id);

        var exit = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings(id, Transcripts: run.Transcripts, Json: true), CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var printed = JsonSerializer.Deserialize<TranscriptDocument>(_json.ToString(), OutputRow.Json)!;
        var stored = JsonSerializer.Deserialize<TranscriptDocument>(line, OutputRow.Json)!;
        Assert.Equal((stored.Job, stored.ProblemId), (printed.Job, printed.ProblemId));
        Assert.Equal(stored.Messages, printed.Messages);
        Assert.Equal(JsonDocument.Parse(line).RootElement.GetProperty("messages").GetArrayLength(), printed.Messages.Count);
    }

    [Fact]
    public async Task Trace_UnknownProblemMissingFileOrJobWithoutCluster_ExitsOneWithAClearMessage()
    {
        var unknown = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings("nope", Transcripts: run.Transcripts), CancellationToken.None);
        var missing = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings("x", Transcripts: "missing.jsonl"), CancellationToken.None);
        var noCluster = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings("x", Job: "job-1"), CancellationToken.None);
        var neither = await new TraceRunner(Console, _json, _errors).RunAsync(new TraceSettings("x"), CancellationToken.None);

        Assert.Equal([ExitCodes.Error, ExitCodes.Error, ExitCodes.Error, ExitCodes.Error], new[] { unknown, missing, noCluster, neither });
        var errors = _errors.ToString();
        Assert.Contains($"problem 'nope' is not in {run.Transcripts} (60 runs", errors, StringComparison.Ordinal);
        Assert.Contains("transcripts file not found: missing.jsonl", errors, StringComparison.Ordinal);
        Assert.Contains("add --cluster", errors, StringComparison.Ordinal);
        Assert.Contains("give either --transcripts FILE or --job ID", errors, StringComparison.Ordinal);
        Assert.Equal("", _json.ToString());
    }
}
