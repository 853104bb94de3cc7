using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Cli.Experiment;
using Agents.Core.Simulation;
using Spectre.Console;

namespace Agents.Cluster.Tests.Cli;

/// <summary><c>agents experiment</c> on an embedded silo: every file, the summary fields, the report rows, the plot and budget matching.</summary>
public sealed class ExperimentTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly string[] StrategyFields =
    [
        "strategy", "accuracy", "samples_per_problem", "tokens_per_problem", "calls_per_problem", "wall_seconds", "correct_to_incorrect",
        "incorrect_to_correct", "accuracy_by_round", "hard_share_by_round", "switches",
    ];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-experiment-");
    private readonly StringWriter _out = new();
    private readonly StringWriter _errors = new();

    private IAnsiConsole Console => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Interactive = InteractionSupport.No });

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Experiment_CotScMagicore_WritesResultsTranscriptsSummaryReportAndPng()
    {
        var output = Path.Combine(_dir.FullName, "exp");
        var settings = new ExperimentSettings(new BatchSettings(WriteSynthetic(30, seed: 11), "", "", K: 4, Rounds: 2, Seed: 3), ["cot", "sc", "magicore"], output);

        var exit = await new ExperimentRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, _errors.ToString());
        foreach (var strategy in new[] { "cot", "sc", "magicore" })
        {
            Assert.Equal(30, File.ReadAllLines(Path.Combine(output, $"results-{strategy}.jsonl")).Length);
            Assert.Equal(30, File.ReadAllLines(Path.Combine(output, $"transcripts-{strategy}.jsonl")).Length);
        }

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
        Assert.Equal(30, summary.GetProperty("problems").GetInt32());
        Assert.Equal(3, summary.GetProperty("seed").GetInt64());
        var results = summary.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("strategy").GetString()!);
        Assert.Equal(["cot", "magicore", "sc"], results.Keys.Order());
        Assert.All(results.Values, r => Assert.All(StrategyFields, f => Assert.True(r.TryGetProperty(f, out _), $"missing {f}")));
        Assert.Equal(JsonValueKind.Null, results["sc"].GetProperty("correct_to_incorrect").ValueKind);
        Assert.Equal(JsonValueKind.Null, results["cot"].GetProperty("accuracy_by_round").ValueKind);
        Assert.Equal(4.0, results["sc"].GetProperty("samples_per_problem").GetDouble());

        // MAgICoRe: transitions from round_correct[0] vs correct, accuracy after rounds 0..2, a hard share for iterations 1 and 2.
        var magicore = results["magicore"];
        var rows = OutputFile.ReadAndRepair(Path.Combine(output, "results-magicore.jsonl"));
        var flippedToWrong = rows.Count(r => r.RoundCorrect[0] == true && r.Correct == false) / 30.0;
        var flippedToRight = rows.Count(r => r.RoundCorrect[0] == false && r.Correct == true) / 30.0;
        Assert.Equal(flippedToWrong, magicore.GetProperty("correct_to_incorrect").GetDouble(), 9);
        Assert.Equal(flippedToRight, magicore.GetProperty("incorrect_to_correct").GetDouble(), 9);
        var byRound = magicore.GetProperty("accuracy_by_round").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(3, byRound.Count);
        Assert.Equal(magicore.GetProperty("accuracy").GetDouble(), byRound[^1], 9);
        var hard = magicore.GetProperty("hard_share_by_round").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(2, hard.Count);
        Assert.Equal(rows.Count(r => r.Details["round1"].StartsWith("hard", StringComparison.Ordinal)) / 30.0, hard[0], 9);
        Assert.Equal("paper", magicore.GetProperty("switches").GetProperty("mode").GetString());

        var report = File.ReadAllLines(Path.Combine(output, "report.md"));
        Assert.All(new[] { "cot", "sc", "magicore" }, s => Assert.Single(report, l => l.StartsWith($"| {s} | ", StringComparison.Ordinal) && l.Contains("% (", StringComparison.Ordinal)));
        Assert.Contains(report, l => l.StartsWith("## Transitions", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith("| magicore | ", StringComparison.Ordinal) && !l.Contains("% (", StringComparison.Ordinal));

        var png = File.ReadAllBytes(Path.Combine(output, "accuracy-vs-samples.png"));
        Assert.True(png.Length > 1000, $"PNG of {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
    }

    [Fact]
    public async Task Experiment_MatchBudget_RunsMagicoreFirstAndGivesScItsMeanGenerations()
    {
        var output = Path.Combine(_dir.FullName, "budget");
        var settings = new ExperimentSettings(
            new BatchSettings(WriteSynthetic(20, seed: 5), "", "", K: 4, Rounds: 2, Seed: 1), ["sc", "magicore"], output, MatchBudget: true);

        var exit = await new ExperimentRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, _errors.ToString());
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
        Assert.Equal(["magicore", "sc"], summary.GetProperty("strategies").EnumerateArray().Select(e => e.GetString()));
        var magicoreRows = OutputFile.ReadAndRepair(Path.Combine(output, "results-magicore.jsonl"));
        var generations = magicoreRows.Average(r => r.Samples);
        var k = (int)Math.Round(generations, MidpointRounding.AwayFromZero);
        var budget = summary.GetProperty("match_budget");
        Assert.Equal(generations, budget.GetProperty("generations_per_problem").GetDouble(), 9);
        Assert.Equal(k, budget.GetProperty("k").GetInt32());
        Assert.Equal(["sc"], budget.GetProperty("strategies").EnumerateArray().Select(e => e.GetString()));
        var sc = summary.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("strategy").GetString() == "sc");
        Assert.Equal(k.ToString(System.Globalization.CultureInfo.InvariantCulture), sc.GetProperty("switches").GetProperty("k").GetString());
        Assert.All(OutputFile.ReadAndRepair(Path.Combine(output, "results-sc.jsonl")), r => Assert.Equal(k, r.Samples));
        Assert.Contains($"drew k = {k} samples per problem", File.ReadAllText(Path.Combine(output, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiment_MatchBudget_GivesSelfRefineTheRunsItsCalibratedCostAffords()
    {
        var output = Path.Combine(_dir.FullName, "budget-sr");
        var settings = new ExperimentSettings(
            new BatchSettings(WriteSynthetic(16, seed: 6), "", "", K: 4, Rounds: 1, Seed: 1), ["self-refine", "magicore"], output, MatchBudget: true);

        var exit = await new ExperimentRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, _errors.ToString());
        var budget = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("match_budget");
        var perRun = OutputFile.ReadAndRepair(Path.Combine(output, "calibration-self-refine.jsonl")).Average(r => r.Samples);
        var runs = Math.Max(1, (int)Math.Round(budget.GetProperty("generations_per_problem").GetDouble() / perRun, MidpointRounding.AwayFromZero));
        Assert.Equal(runs, budget.GetProperty("self_refine_runs").GetInt32());
        Assert.All(OutputFile.ReadAndRepair(Path.Combine(output, "results-self-refine.jsonl")),
            r => Assert.Equal(runs.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Details["runs"]));
    }

    [Fact]
    public async Task Experiment_UnknownStrategy_ExitsOneBeforeRunningAnything()
    {
        var output = Path.Combine(_dir.FullName, "bad");
        var settings = new ExperimentSettings(new BatchSettings(WriteSynthetic(3, seed: 1), "", ""), ["cot", "majority"], output);

        var exit = await new ExperimentRunner(Console, _errors).RunAsync(settings, CancellationToken.None);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("unknown strategy 'majority'", _errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "results-cot.jsonl")));
    }

    private string WriteSynthetic(int count, long seed)
    {
        var path = Path.Combine(_dir.FullName, $"synth-{count}-{seed}.jsonl");
        File.WriteAllLines(path, SyntheticProblems.Generate(count, seed).Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        return path;
    }
}
