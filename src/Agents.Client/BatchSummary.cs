using System.Globalization;
using System.Text.Json;

namespace Agents.Client;

/// <summary>
/// A batch's figures over its output rows: what <c>agents batch</c> prints and writes to <c>r.summary.json</c>, what each
/// strategy of an experiment is summarised from, and what the dashboard shows for a job. One aggregation for all three.
/// </summary>
public sealed record BatchSummary(
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
}
