using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Client.Experiments;
using Spectre.Console;

namespace Agents.Cli.Experiment;

/// <summary>Everything <c>agents experiment</c> was asked to do; <paramref name="Batch"/> carries the shared batch options.</summary>
internal sealed record ExperimentSettings(BatchSettings Batch, IReadOnlyList<string> Strategies, string OutputDirectory, bool MatchBudget = false);

/// <summary>
/// Runs <c>agents experiment</c> over the shared <see cref="ExperimentPlan"/>: each step as a batch over the same problems,
/// model and seed, into <c>DIR/results-&lt;strategy&gt;.jsonl</c> and <c>DIR/transcripts-&lt;strategy&gt;.jsonl</c>; then
/// <c>summary.json</c>, <c>report.md</c> and <c>accuracy-vs-samples.png</c>.
/// </summary>
internal sealed class ExperimentRunner(IAnsiConsole console, TextWriter errors)
{
    public async Task<int> RunAsync(ExperimentSettings settings, CancellationToken cancellationToken)
    {
        ExperimentPlan plan;
        try
        {
            plan = ExperimentPlan.Create(settings.Strategies, settings.Batch.Options, settings.MatchBudget);
        }
        catch (ArgumentException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Error;
        }

        if (plan.Warning is { } warning)
        {
            await errors.WriteLineAsync($"warning: {warning}");
        }

        Directory.CreateDirectory(settings.OutputDirectory);
        // One embedded silo (or one cluster client) serves every strategy: started once, not once per strategy.
        await using var connection = await AgentsConnection.OpenAsync(settings.Batch.Cluster, new Dictionary<string, string?>(), cancellationToken);
        var batches = new BatchRunner(console, errors);
        var exit = ExitCodes.Ok;

        async Task<StepOutcome?> RunStepAsync(ExperimentStep step, CancellationToken token)
        {
            var batch = settings.Batch with
            {
                SkipForeignOptions = true,
                Strategy = step.Strategy,
                K = step.K ?? settings.Batch.K,
                Output = Path.Combine(settings.OutputDirectory, $"{step.Name}.jsonl"),
                Transcripts = Path.Combine(settings.OutputDirectory, step.Calibration ? $"calibration-transcripts-{step.Strategy}.jsonl" : $"transcripts-{step.Strategy}.jsonl"),
            };
            var title = step.Calibration ? $"[bold]{Markup.Escape(step.Strategy)} calibration[/]" : $"[bold]{Markup.Escape(step.Strategy)}[/]";
            console.Write(new Rule(title + (batch.K is { } k ? $" k={k}" : "")).LeftJustified());
            var code = await batches.RunAsync(batch, connection, token);
            if (code is ExitCodes.Error or ExitCodes.Interrupted)
            {
                if (!step.Calibration)
                {
                    await errors.WriteLineAsync($"experiment stopped at strategy '{step.Strategy}'; finished strategies keep their results in {settings.OutputDirectory}; rerun to resume.");
                }

                exit = step.Calibration ? ExitCodes.Error : code;
                return null;
            }

            exit = Math.Max(exit, code);
            var summary = JsonSerializer.Deserialize<BatchSummary>(File.ReadAllText(ResumableOutput.SidePath(batch.Output, ".summary.json")), OutputRow.Json)
                ?? throw new InvalidDataException($"empty summary for {step.Strategy}");
            return new StepOutcome(OutputFile.ReadAndRepair(batch.Output), summary, Path.GetFileName(batch.Output),
                string.IsNullOrWhiteSpace(batch.Cluster) ? Path.GetFileName(batch.Transcripts) : null);
        }

        var summary = await plan.RunAsync(
            Path.GetFullPath(settings.Batch.Input), settings.Batch.Model ?? "sim", settings.Batch.Seed, RunStepAsync, null, cancellationToken);
        if (summary is null)
        {
            return exit;
        }

        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "summary.json"), summary.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "report.md"), ExperimentReport.Render(summary), cancellationToken);
        AccuracyPlot.Save(summary.Results, Path.Combine(settings.OutputDirectory, "accuracy-vs-samples.png"));
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
