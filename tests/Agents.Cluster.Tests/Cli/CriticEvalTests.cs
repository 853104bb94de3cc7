using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Cli.Spc;
using Agents.Core.Problems;
using Agents.Core.Simulation;
using Agents.Core.SelfPlay;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests.Cli;

/// <summary><c>agents critic-eval</c> on an embedded silo with the simulated critic.</summary>
public sealed class CriticEvalTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-critic-eval-");
    private readonly StringWriter _out = new();
    private readonly StringWriter _errors = new();

    private IAnsiConsole Console => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors });

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task CriticEval_SyntheticBench_MetricsInRangeAndEqualToTheEvaluationOfThePredictions()
    {
        var bench = Path.Combine(_dir.FullName, "bench.jsonl");
        var items = SyntheticProcessBench.Generate(40, seed: 11);
        await File.WriteAllLinesAsync(bench, items.Select(SyntheticProcessBench.ToJson));
        var output = Path.Combine(_dir.FullName, "preds.jsonl");
        var runner = new CriticEvalRunner(Console, _errors);

        var exit = await runner.RunAsync(new CriticEvalSettings(bench, Model: "sim", Output: output), CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var report = Assert.IsType<CriticEvalReport>(runner.Report);
        log.WriteLine(_out.ToString());
        // Predictions file -> the Core evaluation gives the printed numbers.
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(items.Length, rows.Length);
        var predictions = rows.Select(r => new FirstErrorPrediction(
            r.GetProperty("id").GetString()!, r.GetProperty("subset").GetString()!, r.GetProperty("label").GetInt32(),
            r.GetProperty("predicted").GetInt32(), r.GetProperty("calls").GetInt32(), r.GetProperty("invalid_verdicts").GetInt32())).ToArray();
        Assert.Equal<OfficialScore>(ProcessBenchEvaluation.Official(predictions).ToArray(), report.Official.ToArray());
        var byId = items.ToDictionary(p => p.Id);
        var judged = rows.SelectMany(r =>
        {
            var verdicts = r.GetProperty("verdicts").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            return ProcessBenchEvaluation.StepItems(byId[r.GetProperty("id").GetString()!])
                .Select(item => (item, verdicts[item.StepIndex] switch { > 0 => CriticVerdict.Correct, < 0 => CriticVerdict.Incorrect, _ => CriticVerdict.Invalid }));
        }).ToArray();
        Assert.Equal<StepLevelScore>(ProcessBenchEvaluation.StepLevel(judged).ToArray(), report.StepLevel.ToArray());
        // Calls: one per judged step, counted in the rows, at least as many as the official prediction needs.
        Assert.Equal(report.Calls, rows.Sum(r => r.GetProperty("critic_calls").GetInt32()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("calls").GetInt32(), 1, r.GetProperty("critic_calls").GetInt32()));
        // Both halves are present and the simulated critic (95%/55% detection, 8% false alarms) is far from constant.
        var all = report.Official[^1];
        Assert.Equal("all", all.Subset);
        Assert.True(all.Erroneous >= 10 && all.Correct >= 10, $"{all.Erroneous} erroneous, {all.Correct} correct");
        Assert.InRange(all.ErroneousAccuracy, 0.3, 1.0);
        Assert.InRange(all.CorrectAccuracy, 0.3, 1.0);
        Assert.InRange(all.F1, 0.3, 1.0);
        Assert.Equal(["synth-short", "synth-long", "pooled", "all"], report.Official.Select(s => s.Subset));
        Assert.Equal(report.Official[..2].Average(s => s.F1), all.F1, 12);
        Assert.Equal(["synth-short", "synth-long", "average"], report.StepLevel.Select(s => s.Subset));
        Assert.All(report.StepLevel, s => Assert.InRange(s.Accuracy, 0.5, 1.0));
        var text = _out.ToString();
        Assert.Contains("F1", text, StringComparison.Ordinal);
        Assert.Contains("│ all (mean)", text, StringComparison.Ordinal);
        Assert.Contains("│ pooled ", text, StringComparison.Ordinal);
        Assert.Contains("step-level", text, StringComparison.Ordinal);
        Assert.Contains(report.Calls.ToString(CultureInfo.InvariantCulture) + " critic calls", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CriticEval_SimOnRealProcessBenchRows_CountsInvalidVerdictsAndPredictsNoError()
    {
        // The shared file when present (its first 12 rows), else synthetic rows whose question the simulated world cannot read.
        var shared = SharedData.Dataset("processbench_gsm8k.json");
        var rows = shared is not null
            ? JsonDocument.Parse(await File.ReadAllTextAsync(shared)).RootElement.EnumerateArray().Take(12).Select(e => e.GetRawText()).ToArray()
            : [.. SyntheticProcessBench.Generate(6, seed: 2).Select(p => SyntheticProcessBench.ToJson(p with { Question = "What is the meaning of " + p.Id + "?" }))];
        var bench = Path.Combine(_dir.FullName, "pb.json");
        await File.WriteAllTextAsync(bench, "[" + string.Join(",\n", rows) + "]");
        var runner = new CriticEvalRunner(Console, _errors);

        var exit = await runner.RunAsync(new CriticEvalSettings(bench, Model: "sim"), CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, _errors.ToString());
        var report = Assert.IsType<CriticEvalReport>(runner.Report);
        // The simulated critic cannot read non-synthetic text: every output is invalid (counted), so nothing is rejected.
        var steps = DatasetReader.Read(bench).Problems.Sum(p => p.Steps.Length);
        Assert.Equal(steps, report.Calls);
        Assert.Equal(steps, report.InvalidVerdicts);
        Assert.All(report.Predictions, p => Assert.Equal(-1, p.Predicted));
        Assert.Equal(0, report.Official[^1].F1);
    }

    [Fact]
    public async Task CriticEval_MissingFileBadScopeOrBadModel_FailsWithAMessage()
    {
        var runner = new CriticEvalRunner(Console, _errors);
        Assert.Equal(ExitCodes.Error, await runner.RunAsync(new CriticEvalSettings("x", Model: "bogus:xx"), CancellationToken.None));
        Assert.Contains("--model", _errors.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Error, await runner.RunAsync(new CriticEvalSettings(Path.Combine(_dir.FullName, "none.json")), CancellationToken.None));
        Assert.Equal(ExitCodes.Error, await runner.RunAsync(new CriticEvalSettings("x", Scope: "some"), CancellationToken.None));
        Assert.Contains("file not found", _errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("--scope", _errors.ToString(), StringComparison.Ordinal);
    }
}
