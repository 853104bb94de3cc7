using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Strategies;
using Spectre.Console;

namespace Agents.Cli.Experiment;

/// <summary>Everything <c>agents experiment</c> was asked to do; <paramref name="Batch"/> carries the shared batch options.</summary>
internal sealed record ExperimentSettings(BatchSettings Batch, IReadOnlyList<string> Strategies, string OutputDirectory, bool MatchBudget = false);

/// <summary>
/// Runs <c>agents experiment</c>: each strategy as a batch over the same problems, model and seed, into
/// <c>DIR/results-&lt;strategy&gt;.jsonl</c> and <c>DIR/transcripts-&lt;strategy&gt;.jsonl</c>; then <c>summary.json</c>,
/// <c>report.md</c> and <c>accuracy-vs-samples.png</c>.
/// </summary>
internal sealed class ExperimentRunner(IAnsiConsole console, TextWriter errors)
{
    /// <summary>Strategies whose k <c>--match-budget</c> sets to MAgICoRe's mean generations per problem.</summary>
    public static readonly ImmutableArray<string> BudgetMatched = [StrategyNames.SelfConsistency, StrategyNames.BestOfK];

    private static readonly JsonSerializerOptions Indented = new(OutputRow.Json) { WriteIndented = true };

    public async Task<int> RunAsync(ExperimentSettings settings, CancellationToken cancellationToken)
    {
        var strategies = settings.Strategies.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (strategies.Count == 0)
        {
            await errors.WriteLineAsync("error: --strategies lists no strategy (e.g. --strategies cot,sc,magicore)");
            return ExitCodes.Error;
        }

        if (strategies.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            await errors.WriteLineAsync($"error: strategy '{duplicate.Key}' is listed twice in --strategies");
            return ExitCodes.Error;
        }

        // The same check batch makes, before anything runs: a typo in the last name must not cost the first runs.
        foreach (var error in strategies.Select(StrategyNames.Validate).OfType<string>())
        {
            await errors.WriteLineAsync($"error: {error}");
            return ExitCodes.Error;
        }

        if (settings.MatchBudget)
        {
            if (strategies.Contains(StrategyNames.Magicore))
            {
                strategies = [StrategyNames.Magicore, .. strategies.Where(s => s != StrategyNames.Magicore)];
            }
            else
            {
                await errors.WriteLineAsync("warning: --match-budget needs magicore in --strategies; running without budget matching.");
            }
        }

        Directory.CreateDirectory(settings.OutputDirectory);
        // One embedded silo (or one cluster client) serves every strategy: started once, not once per strategy.
        await using var connection = await AgentsConnection.OpenAsync(settings.Batch.Cluster, new Dictionary<string, string?>(), cancellationToken);
        var batches = new BatchRunner(console, errors);
        var results = new List<StrategyResult>();
        BudgetMatch? budget = null;
        var exit = ExitCodes.Ok;
        foreach (var strategy in strategies)
        {
            var batch = settings.Batch with
            {
                Strategy = strategy,
                Output = Path.Combine(settings.OutputDirectory, $"results-{strategy}.jsonl"),
                Transcripts = Path.Combine(settings.OutputDirectory, $"transcripts-{strategy}.jsonl"),
            };
            if (budget is not null && BudgetMatched.Contains(strategy))
            {
                batch = batch with { K = budget.K };
            }

            if (budget is not null && strategy == StrategyNames.SelfRefine)
            {
                // A Self-Refine run's cost depends on when it stops, so one calibration pass with a single run per
                // problem measures it; k independent runs then spend about MAgICoRe's mean generations.
                var calibration = batch with
                {
                    K = 1,
                    Output = Path.Combine(settings.OutputDirectory, "calibration-self-refine.jsonl"),
                    Transcripts = Path.Combine(settings.OutputDirectory, "calibration-transcripts-self-refine.jsonl"),
                };
                console.Write(new Rule("[bold]self-refine calibration[/] k=1").LeftJustified());
                if (await batches.RunAsync(calibration, connection, cancellationToken) is ExitCodes.Error or ExitCodes.Interrupted)
                {
                    return ExitCodes.Error;
                }

                var perRun = OutputFile.ReadAndRepair(calibration.Output).Select(r => r.Samples).DefaultIfEmpty(1).Average();
                var runs = Math.Max(1, (int)Math.Round(budget.GenerationsPerProblem / perRun, MidpointRounding.AwayFromZero));
                budget = budget with { SelfRefineRuns = runs, SelfRefineGenerationsPerRun = perRun };
                batch = batch with { K = runs };
            }

            console.Write(new Rule($"[bold]{Markup.Escape(strategy)}[/]" + (batch.K is { } k ? $" k={k}" : "")).LeftJustified());
            var code = await batches.RunAsync(batch, connection, cancellationToken);
            if (code is ExitCodes.Error or ExitCodes.Interrupted)
            {
                await errors.WriteLineAsync($"experiment stopped at strategy '{strategy}'; finished strategies keep their results in {settings.OutputDirectory}; rerun to resume.");
                return code;
            }

            exit = Math.Max(exit, code);
            var rows = OutputFile.ReadAndRepair(batch.Output);
            var batchSummary = JsonSerializer.Deserialize<BatchSummary>(File.ReadAllText(ResumableOutput.SidePath(batch.Output, ".summary.json")), OutputRow.Json)
                ?? throw new InvalidDataException($"empty summary for {strategy}");
            var result = StrategyResult.From(strategy, rows, batchSummary, Path.GetFileName(batch.Output),
                string.IsNullOrWhiteSpace(batch.Cluster) ? Path.GetFileName(batch.Transcripts!) : null);
            results.Add(result);
            if (settings.MatchBudget && strategy == StrategyNames.Magicore)
            {
                var matched = BudgetMatched.Where(strategies.Contains).ToList();
                budget = new BudgetMatch(strategy, result.SamplesPerProblem, Math.Max(1, (int)Math.Round(result.SamplesPerProblem, MidpointRounding.AwayFromZero)), matched);
            }
        }

        var first = results[0];
        var summary = new ExperimentSummary(
            Path.GetFullPath(settings.Batch.Input), settings.Batch.Model ?? "sim", settings.Batch.Seed, first.Problems, strategies, budget, results);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "summary.json"), JsonSerializer.Serialize(summary, Indented), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "report.md"), ExperimentReport.Render(summary), cancellationToken);
        var plot = Path.Combine(settings.OutputDirectory, "accuracy-vs-samples.png");
        AccuracyPlot.Save(results, plot);
        console.Write(ToTable(summary));
        console.MarkupLine($"[grey]Wrote summary.json, report.md and accuracy-vs-samples.png to {Markup.Escape(settings.OutputDirectory)}.[/]");
        return exit;
    }

    private static Table ToTable(ExperimentSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]experiment[/] on {summary.Problems} problems");
        foreach (var column in new[] { "strategy", "accuracy", "samples/problem", "tokens/problem", "wall time", "c→i", "i→c" })
        {
            table.AddColumn(new TableColumn(column));
        }

        foreach (var r in summary.Results)
        {
            table.AddRow(
                Markup.Escape(r.Strategy), $"{r.Accuracy:P1}", $"{r.SamplesPerProblem:F2}", $"{r.TokensPerProblem:F0}", $"{r.WallSeconds:F1} s",
                r.CorrectToIncorrect is { } ci ? $"{ci:P1}" : "", r.IncorrectToCorrect is { } ic ? $"{ic:P1}" : "");
        }

        return table;
    }
}
