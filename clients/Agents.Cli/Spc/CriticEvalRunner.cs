using System.Globalization;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.Critiquing;
using Agents.Contracts.Problems;
using Agents.Contracts.Refining;
using Agents.Contracts.Solving;
using Agents.Core.Problems;
using Agents.Core.Solving;
using Agents.Core.SelfPlay;
using Spectre.Console;

namespace Agents.Cli.Spc;

/// <summary>Settings of <c>agents critic-eval</c>.</summary>
/// <param name="Bench">ProcessBench-format data (rows with problem, steps, label).</param>
/// <param name="Model">Critic model spec; null = the silo's default for the critic role.</param>
/// <param name="Output">Per-item predictions JSONL, or null.</param>
/// <param name="Cluster">redis://HOST:PORT of a running cluster; null = embedded silo.</param>
/// <param name="Concurrency">Items judged at once.</param>
/// <param name="MaxTokens">Completion cap of one critic call.</param>
/// <param name="Seed">Seed of the critic requests (with item id and step index).</param>
/// <param name="Scope">Steps of SPC's step-level variant: up-to-first-error or all.</param>
internal sealed record CriticEvalSettings(
    string Bench, string? Model = null, string? Output = null, string? Cluster = null, int Concurrency = 16, int MaxTokens = 2048,
    long Seed = 0, string Scope = "up-to-first-error");

/// <summary>What a critic evaluation found.</summary>
/// <param name="Predictions">First-error predictions, in input order.</param>
/// <param name="Official">Official ProcessBench scores per subset, then "pooled" and "all" (the mean over subsets).</param>
/// <param name="StepLevel">SPC's step-level scores per subset, then "average".</param>
/// <param name="Calls">Critic calls made (one per judged step; both metrics read the same verdicts).</param>
/// <param name="InvalidVerdicts">Calls whose output had no valid verdict.</param>
/// <param name="Usage">Tokens of all calls.</param>
internal sealed record CriticEvalReport(
    ImmutableArray<FirstErrorPrediction> Predictions, ImmutableArray<OfficialScore> Official, ImmutableArray<StepLevelScore> StepLevel,
    int Calls, int InvalidVerdicts, TokenUsage Usage);

/// <summary>One item's per-step verdicts as the predictions file writes them.</summary>
/// <param name="Prediction">The first-error prediction.</param>
/// <param name="Verdicts">Labels of the judged steps from step 0 (+1, −1, 0 invalid).</param>
/// <param name="Judged">The step-level items with their verdicts.</param>
/// <param name="Usage">The item's calls and tokens.</param>
internal sealed record CriticEvalItem(
    FirstErrorPrediction Prediction, ImmutableArray<int> Verdicts, ImmutableArray<(StepItem Item, CriticVerdict Verdict)> Judged, TokenUsage Usage);

/// <summary>
/// Runs <c>agents critic-eval</c>: the SPC critic grain judges each item's steps in order until it rejects one (and, for
/// SPC's step-level variant, every labelled step), then both metrics of docs/algorithms.md §3.8 are computed by
/// <see cref="ProcessBenchEvaluation"/> from those verdicts.
/// </summary>
internal sealed class CriticEvalRunner(IAnsiConsole console, TextWriter errors)
{
    /// <summary>The report of the last successful run.</summary>
    public CriticEvalReport? Report { get; private set; }

    public async Task<int> RunAsync(CriticEvalSettings settings, CancellationToken cancellationToken)
    {
        StepLevelScope scope;
        switch (settings.Scope)
        {
            case "up-to-first-error":
                scope = StepLevelScope.UpToFirstError;
                break;
            case "all":
                scope = StepLevelScope.AllSteps;
                break;
            default:
                await errors.WriteLineAsync($"error: --scope must be up-to-first-error or all, got '{settings.Scope}'");
                return ExitCodes.Error;
        }

        if (!string.IsNullOrEmpty(settings.Model))
        {
            try
            {
                Agents.Inference.ModelSpec.Parse(settings.Model);
            }
            catch (ArgumentException ex)
            {
                await errors.WriteLineAsync($"error: --model: {ex.Message}");
                return ExitCodes.Error;
            }
        }

        if (!File.Exists(settings.Bench))
        {
            await errors.WriteLineAsync($"error: file not found: {settings.Bench}");
            return ExitCodes.Error;
        }

        var dataset = DatasetReader.Read(settings.Bench);
        foreach (var error in dataset.Errors)
        {
            await errors.WriteLineAsync(error.ToString());
        }

        var items = dataset.Problems.Where(p => p.FirstErrorStep is not null && p.Steps.Length > 0).ToArray();
        if (items.Length < dataset.Problems.Length)
        {
            await errors.WriteLineAsync($"warning: {dataset.Problems.Length - items.Length} rows have no steps or no label and are skipped");
        }

        if (items.Length == 0)
        {
            await errors.WriteLineAsync($"error: no labelled ProcessBench rows (problem, steps, label) in {settings.Bench}");
            return ExitCodes.Error;
        }

        await using var connection = await AgentsConnection.OpenAsync(settings.Cluster, new Dictionary<string, string?>(), cancellationToken);
        var critic = connection.Grains.GetGrain<ICriticGrain>(0);
        var results = new CriticEvalItem[items.Length];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, items.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Concurrency), CancellationToken = cancellationToken },
                async (i, ct) => results[i] = await EvaluateAsync(critic, items[i], settings, scope, ct));
        }
        catch (AgentCallException ex)
        {
            // The inference tier already retried; a critic that keeps failing stops the evaluation (nothing is half-scored).
            await errors.WriteLineAsync($"error: critic call failed: {ex.Message}");
            return ExitCodes.Error;
        }

        var predictions = results.Select(r => r.Prediction).ToImmutableArray();
        var usage = results.Aggregate(TokenUsage.None, (sum, r) => sum + r.Usage);
        var report = new CriticEvalReport(
            predictions, ProcessBenchEvaluation.Official(predictions), ProcessBenchEvaluation.StepLevel([.. results.SelectMany(r => r.Judged)]),
            results.Sum(r => r.Verdicts.Length), results.Sum(r => r.Verdicts.Count(v => v == 0)), usage);
        if (settings.Output is { } output)
        {
            await WriteAsync(output, results);
        }

        Print(report, settings, connection.Description);
        Report = report;
        return dataset.Errors.Length > 0 ? ExitCodes.InputRejected : ExitCodes.Ok;
    }

    /// <summary>One predictions-file row.</summary>
    public static string Row(CriticEvalItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var p = item.Prediction;
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = p.ProblemId,
            ["subset"] = p.Subset,
            ["label"] = p.Label,
            ["predicted"] = p.Predicted,
            ["calls"] = p.Calls,
            ["invalid_verdicts"] = p.InvalidVerdicts,
            ["verdicts"] = item.Verdicts,
            ["critic_calls"] = item.Verdicts.Length,
            ["prompt_tokens"] = item.Usage.PromptTokens,
            ["completion_tokens"] = item.Usage.CompletionTokens,
        });
    }

    private static async Task<CriticEvalItem> EvaluateAsync(ICriticGrain critic, Problem item, CriticEvalSettings settings, StepLevelScope scope, CancellationToken ct)
    {
        var stepItems = ProcessBenchEvaluation.StepItems(item, scope).ToArray();
        var lastNeeded = stepItems.Length == 0 ? -1 : stepItems.Max(s => s.StepIndex);
        var baseSeed = SampleSeed.Derive("", item.Id, "critic", 0, settings.Seed);
        var verdicts = new List<CriticVerdict>();
        var usage = TokenUsage.None;
        var rejected = false;
        for (var i = 0; i < item.Steps.Length && !(rejected && i > lastNeeded); i++)
        {
            var call = new ModelCall(settings.Model ?? string.Empty, SpcOptions.Default.CriticTemperature, 1, settings.MaxTokens, SampleSeed.ForChoice(baseSeed, i));
            var reply = await critic.JudgeStepAsync(new StepJudgeRequest(item.Question, [.. item.Steps.Take(i)], item.Steps[i], call), ct);
            var verdict = reply.Label > 0 ? CriticVerdict.Correct : reply.Label < 0 ? CriticVerdict.Incorrect : CriticVerdict.Invalid;
            verdicts.Add(verdict);
            usage += reply.Usage;
            rejected |= verdict == CriticVerdict.Incorrect;
        }

        // Each step was judged once (greedy, seeded by item and step); both metrics read those verdicts.
        CriticVerdict Cached(string problem, IReadOnlyList<string> previous, string last) => verdicts[previous.Count];
        return new CriticEvalItem(
            ProcessBenchEvaluation.PredictFirstError(item, Cached),
            [.. verdicts.Select(CriticPrompt.Label)],
            ProcessBenchEvaluation.JudgeSteps([item], Cached, scope),
            usage);
    }

    private static async Task WriteAsync(string path, IEnumerable<CriticEvalItem> items)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        foreach (var item in items)
        {
            await writer.WriteLineAsync(Row(item));
        }
    }

    private void Print(CriticEvalReport report, CriticEvalSettings settings, string where)
    {
        var official = new Table().Title("ProcessBench, official (first error; %)")
            .Caption("all (mean) = mean of the subsets' scores, as ProcessBench reports; pooled = every item together")
            .AddColumns("subset", "erroneous", "correct", "acc. erroneous", "acc. correct", "F1", "calls");
        foreach (var s in report.Official)
        {
            var label = s.Subset switch
            {
                ProcessBenchEvaluation.AllRow => "all (mean)",
                ProcessBenchEvaluation.PooledRow => "pooled",
                _ => s.Subset,
            };
            official.AddRow(Markup.Escape(label), Int(s.Erroneous), Int(s.Correct), Pct(s.ErroneousAccuracy), Pct(s.CorrectAccuracy), Pct(s.F1), Int(s.Calls));
        }

        var stepLevel = new Table().Title("SPC step-level variant (%)")
            .AddColumns("subset", "step items", "accuracy", "correct steps", "erroneous steps");
        foreach (var s in report.StepLevel)
        {
            stepLevel.AddRow(Markup.Escape(s.Subset), Int(s.Items), Pct(s.Accuracy), Pct(s.CorrectRecall), Pct(s.ErrorRecall));
        }

        console.Write(official);
        console.Write(stepLevel);
        console.MarkupLine(
            $"{report.Predictions.Length} items, {report.Calls} critic calls ({report.InvalidVerdicts} without a valid verdict), " +
            $"{report.Usage.PromptTokens + report.Usage.CompletionTokens} tokens; critic {Markup.Escape(settings.Model ?? "default")} on {Markup.Escape(where)}" +
            (settings.Output is null ? "" : $"; predictions in {Markup.Escape(settings.Output)}"));
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double value) => (value * 100).ToString("F1", CultureInfo.InvariantCulture);
}
