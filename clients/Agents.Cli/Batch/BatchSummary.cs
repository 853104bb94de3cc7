using System.Globalization;
using System.Text.Json;
using Agents.Contracts.Runs;
using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>The batch summary printed as a table and written to <c>r.summary.json</c>.</summary>
internal sealed record BatchSummary(
    string Strategy,
    string Model,
    string Mode,
    string Job,
    int Problems,
    int Correct,
    double Accuracy,
    int Failed,
    int Graded,
    int RejectedRows,
    int NewRuns,
    int ResumedRows,
    double SamplesPerProblem,
    double CallsPerProblem,
    double PromptTokensPerProblem,
    double CompletionTokensPerProblem,
    long TotalPromptTokens,
    long TotalCompletionTokens,
    int TotalRetries,
    double WallSeconds,
    IReadOnlyDictionary<string, string> Switches)
{
    /// <summary>Aggregates the rows of an output file.</summary>
    public static BatchSummary From(
        IReadOnlyList<OutputRow> rows, string strategy, string model, string mode, string job, int rejected, int newRuns,
        double wallSeconds, IReadOnlyDictionary<string, string> switches)
    {
        var n = Math.Max(rows.Count, 1);
        var graded = rows.Count(r => r.Correct is not null);
        var correct = rows.Count(r => r.Correct == true);
        return new BatchSummary(
            strategy, model, mode, job, rows.Count, correct, graded == 0 ? 0 : (double)correct / graded,
            rows.Count(r => r.Status == "failed"), graded, rejected, newRuns, rows.Count - newRuns,
            rows.Sum(r => r.Samples) / (double)n, rows.Sum(r => r.Calls) / (double)n,
            rows.Sum(r => r.PromptTokens) / (double)n, rows.Sum(r => r.CompletionTokens) / (double)n,
            rows.Sum(r => r.PromptTokens), rows.Sum(r => r.CompletionTokens), rows.Sum(r => r.Retries), wallSeconds, switches);
    }

    /// <summary>The switches a summary records: the spec's options and its sampling, voting and grading settings.</summary>
    public static Dictionary<string, string> SwitchesOf(StrategySpec spec) => new(spec.Options)
    {
        ["rounds"] = spec.Rounds.ToString(CultureInfo.InvariantCulture),
        ["reward"] = string.IsNullOrEmpty(spec.Reward) ? "default" : spec.Reward,
        ["k"] = spec.K.ToString(CultureInfo.InvariantCulture),
        ["temperature"] = spec.Temperature.ToString(CultureInfo.InvariantCulture),
        ["top_p"] = spec.TopP.ToString(CultureInfo.InvariantCulture),
        ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
        ["vote_key"] = spec.VoteKey,
        ["empty_answers"] = spec.DropEmpty ? "dropped" : "kept",
        ["equivalence"] = spec.Equivalence,
    };

    private static readonly JsonSerializerOptions Indented = new(OutputRow.Json) { WriteIndented = true };

    /// <summary>Writes the summary JSON next to the output.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Indented));

    /// <summary>Renders the summary table.</summary>
    public Table ToTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(Strategy)}[/] on {Problems} problems");
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("value").RightAligned());
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("accuracy", $"{Accuracy:P1} ({Correct}/{Graded})");
        Row("failed", Failed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("rejected input rows", RejectedRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("new runs / resumed rows", $"{NewRuns} / {ResumedRows}");
        Row("samples per problem", $"{SamplesPerProblem:F2}");
        Row("calls per problem", $"{CallsPerProblem:F2}");
        Row("prompt tokens per problem", $"{PromptTokensPerProblem:F1}");
        Row("completion tokens per problem", $"{CompletionTokensPerProblem:F1}");
        Row("retries", TotalRetries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("wall time", $"{WallSeconds:F1} s");
        Row("model / mode", $"{Model} / {Mode}");
        Row("switches", string.Join(", ", Switches.Select(kv => $"{kv.Key}={kv.Value}")));
        return table;
    }
}
