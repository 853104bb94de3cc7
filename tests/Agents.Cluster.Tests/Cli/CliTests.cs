using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Cli.Commands;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Spectre.Console;

namespace Agents.Cluster.Tests.Cli;

/// <summary>The command line on an embedded silo: batch output contract, resume, bad input, backends and grading.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly string[] ContractFields =
        ["id", "strategy", "answer", "gold", "correct", "status", "error", "samples", "prompt_tokens", "completion_tokens", "rounds", "latency_ms"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-cli-");
    private readonly StringWriter _out = new();
    private readonly StringWriter _errors = new();

    private IAnsiConsole Console => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Interactive = InteractionSupport.No });

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Batch_Embedded_WritesContractRowsSummaryAndTranscriptsThenResumesWithZeroNewRuns()
    {
        var input = WriteSynthetic(30, seed: 7);
        var output = Path.Combine(_dir.FullName, "out", "r.jsonl");
        var settings = new BatchSettings(input, "sc", output, K: 3);

        var exit = await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(30, rows.Count);
        Assert.All(rows, r => Assert.All(ContractFields, f => Assert.True(r.TryGetProperty(f, out _), $"missing {f}")));
        Assert.All(rows, r => Assert.Equal(3, r.GetProperty("samples").GetInt32()));
        var summary = ReadJson(ResumableOutput.SidePath(output, ".summary.json"));
        Assert.Equal(30, summary.GetProperty("problems").GetInt32());
        Assert.Equal(rows.Count(r => r.GetProperty("correct").GetBoolean()) / 30.0, summary.GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal("raw", summary.GetProperty("switches").GetProperty("vote_key").GetString());
        var transcripts = File.ReadAllLines(ResumableOutput.SidePath(output, ".transcripts.jsonl"));
        Assert.Equal(30, transcripts.Length);
        Assert.Equal(3, JsonDocument.Parse(transcripts[0]).RootElement.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("kind").GetString() == "sample"));
        Assert.Contains("accuracy", _out.ToString(), StringComparison.Ordinal);

        var again = await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, again);
        Assert.Equal(30, File.ReadAllLines(output).Length);
        Assert.Equal(0, ReadJson(ResumableOutput.SidePath(output, ".summary.json")).GetProperty("new_runs").GetInt32());
    }

    [Fact]
    public async Task Batch_TornLastLineAndMissingRows_RepairsAndRunsOnlyTheRest()
    {
        var input = WriteSynthetic(12, seed: 3);
        var output = Path.Combine(_dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "cot", output);
        await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None);
        var lines = File.ReadAllLines(output);
        File.WriteAllText(output, string.Join('\n', lines.Take(5)) + "\n" + lines[5][..10]);

        var exit = await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var ids = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(12, ids.Count);
        Assert.Equal(12, ids.Distinct().Count());
        Assert.Equal(7, ReadJson(ResumableOutput.SidePath(output, ".summary.json")).GetProperty("new_runs").GetInt32());
    }

    [Fact]
    public async Task Batch_BadRows_ReportsEachAsFileLineReasonSolvesGoodRowsAndExitsTwo()
    {
        var input = Path.Combine(_dir.FullName, "mixed.jsonl");
        var good = SyntheticProblems.Generate(3, seed: 9).ToList();
        await File.WriteAllLinesAsync(input,
        [
            JsonSerializer.Serialize(new { id = "g1", question = good[0].Question, answer = good[0].Gold }),
            "{\"id\": \"broken\", \"question\": ",
            JsonSerializer.Serialize(new { id = "g2", question = good[1].Question, answer = good[1].Gold }),
            "{\"id\": \"nq\", \"answer\": \"1\"}",
            "",
            JsonSerializer.Serialize(new { id = "g1", question = good[2].Question, answer = good[2].Gold }),
            JsonSerializer.Serialize(new { id = "g3", question = good[2].Question, answer = good[2].Gold }),
        ]);
        var output = Path.Combine(_dir.FullName, "r.jsonl");

        var exit = await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(input, "cot", output), CancellationToken.None);

        Assert.Equal(ExitCodes.InputRejected, exit);
        // Errors name the input as the user gave it, then the line.
        var reported = _errors.ToString().Split('\n').Where(l => l.StartsWith(input + ":", StringComparison.Ordinal)).ToList();
        Assert.Equal([2, 4, 5, 6], reported.Select(l => int.Parse(l[(input.Length + 1)..].Split(':')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("missing field 'question' or 'problem'", reported[1], StringComparison.Ordinal);
        Assert.Contains("duplicate id 'g1'", reported[3], StringComparison.Ordinal);
        Assert.Equal(["g1", "g2", "g3"], File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Order());
        Assert.Equal(4, ReadJson(ResumableOutput.SidePath(output, ".summary.json")).GetProperty("rejected_rows").GetInt32());
    }

    [Fact]
    public async Task Batch_OpenAIBackendAgainstSimServer_SameAnswersAsSim()
    {
        var input = WriteSynthetic(20, seed: 21);
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());
        var viaSim = Path.Combine(_dir.FullName, "sim.jsonl");
        var viaHttp = Path.Combine(_dir.FullName, "http.jsonl");

        await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(input, "sc", viaSim, K: 4, Seed: 5), CancellationToken.None);
        await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(input, "sc", viaHttp, K: 4, Seed: 5, Model: server.ModelSpec), CancellationToken.None);

        var sim = OutputFile.ReadAndRepair(viaSim).ToDictionary(r => r.Id);
        var http = OutputFile.ReadAndRepair(viaHttp).ToDictionary(r => r.Id);
        Assert.Equal(20, http.Count);
        Assert.All(http.Values, r => Assert.Equal("ok", r.Status));
        Assert.All(sim.Keys, id => Assert.Equal((sim[id].Answer, sim[id].Correct, sim[id].CompletionTokens), (http[id].Answer, http[id].Correct, http[id].CompletionTokens)));
        Assert.Equal(20, server.Stats.Requests);
    }

    [Fact]
    public async Task Batch_RecordedThenReplayed_GivesIdenticalRows()
    {
        var input = WriteSynthetic(15, seed: 17);
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());
        var record = Path.Combine(_dir.FullName, "record.jsonl");
        var recorded = Path.Combine(_dir.FullName, "recorded.jsonl");
        var replayed = Path.Combine(_dir.FullName, "replayed.jsonl");

        await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(input, "sc", recorded, K: 3, Seed: 2, Model: server.ModelSpec, Record: record), CancellationToken.None);
        var exit = await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(input, "sc", replayed, K: 3, Seed: 2, Model: $"replay:{record}"), CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var a = OutputFile.ReadAndRepair(recorded).ToDictionary(r => r.Id);
        var b = OutputFile.ReadAndRepair(replayed).ToDictionary(r => r.Id);
        Assert.Equal(15, b.Count);
        Assert.All(a.Keys, id => Assert.Equal(
            (a[id].Answer, a[id].Correct, a[id].Samples, a[id].PromptTokens, a[id].CompletionTokens),
            (b[id].Answer, b[id].Correct, b[id].Samples, b[id].PromptTokens, b[id].CompletionTokens)));
    }

    [Fact]
    public async Task Batch_MissingInputOrUnknownStrategy_ExitsOneWithAClearMessage()
    {
        var missing = await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(Path.Combine(_dir.FullName, "nope.jsonl"), "cot", "r.jsonl"), CancellationToken.None);
        var unknown = await new BatchRunner(Console, _errors).RunAsync(new BatchSettings(WriteSynthetic(1, 1), "majority", "r.jsonl"), CancellationToken.None);

        Assert.Equal((ExitCodes.Error, ExitCodes.Error), (missing, unknown));
        Assert.Contains("nope.jsonl' does not exist", _errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("unknown strategy 'majority'", _errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grade_PredictionsFile_PrintsAccuracyAndWritesRows()
    {
        var input = WriteSynthetic(4, seed: 2);
        var problems = SyntheticProblems.Generate(4, seed: 2).ToList();
        var predictions = Path.Combine(_dir.FullName, "p.jsonl");
        await File.WriteAllLinesAsync(predictions,
        [
            JsonSerializer.Serialize(new { id = problems[0].Id, answer = problems[0].Gold }),
            JsonSerializer.Serialize(new { id = problems[1].Id, response = $"so \\boxed{{{problems[1].Gold}}}" }),
            JsonSerializer.Serialize(new { id = problems[2].Id, response = "no idea" }),
        ]);
        var graded = Path.Combine(_dir.FullName, "g.jsonl");

        var exit = await GradeCommand.RunAsync(input, predictions, "hendrycks", graded, Console, _errors);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("66.67 %", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 problems without a prediction", _out.ToString(), StringComparison.Ordinal);
        var rows = File.ReadAllLines(graded).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([true, true, false], rows.Select(r => r.GetProperty("correct").GetBoolean()));
    }

    [Fact]
    public async Task Parse_BatchWithoutRequiredOptions_FailsBeforeRunning()
    {
        var exit = await AgentsCommand.Create().Parse(["batch", "--strategy", "cot"]).InvokeAsync();

        Assert.NotEqual(0, exit);
    }

    private string WriteSynthetic(int count, long seed)
    {
        var path = Path.Combine(_dir.FullName, $"synth-{count}-{seed}.jsonl");
        File.WriteAllLines(path, SyntheticProblems.Generate(count, seed).Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        return path;
    }

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;
}
