using System.Globalization;
using System.Text.Json;
using Agents.Core.Instructing;
using Agents.Core.Strategies;

namespace Agents.Client.Experiments;

/// <summary>One strategy's line of <c>summary.json</c>: cost, accuracy and, for iterative strategies, what refinement changed.</summary>
public sealed record StrategyResult(
    string Strategy,
    int Problems,
    int Correct,
    double Accuracy,
    double SamplesPerProblem,
    double TokensPerProblem,
    double PromptTokensPerProblem,
    double CompletionTokensPerProblem,
    double CallsPerProblem,
    IReadOnlyDictionary<string, double> CallsByRolePerProblem,
    double WallSeconds,
    int Failed,
    bool Iterative,
    double? CorrectToIncorrect,
    double? IncorrectToCorrect,
    TransitionCounts? Transitions,
    IReadOnlyList<double>? AccuracyByRound,
    IReadOnlyList<double>? HardShareByRound,
    IReadOnlyDictionary<string, double>? DecisionShares,
    string Results,
    string? Transcripts,
    IReadOnlyDictionary<string, string> Switches)
{
    /// <summary>Strategies that record an answer per round; only they get transition rates and per-round accuracy.</summary>
    public static readonly ImmutableHashSet<string> IterativeStrategies =
        [StrategyNames.SelfRefine, StrategyNames.Magicore, StrategyNames.Iort];

    /// <summary>
    /// Aggregates a strategy's output rows; <paramref name="batch"/> supplies wall time and switches; <paramref name="transcripts"/>
    /// is null for cluster runs, whose transcripts stay in the cluster.
    /// </summary>
    public static StrategyResult From(string strategy, IReadOnlyList<OutputRow> rows, BatchSummary batch, string results, string? transcripts)
    {
        var n = Math.Max(rows.Count, 1);
        var iterative = IterativeStrategies.Contains(strategy);
        TransitionCounts? transitions = null;
        IReadOnlyList<double>? byRound = null;
        if (iterative)
        {
            var table = Core.Instructing.Transitions.Compute([.. rows.Select(r => (r.RoundCorrect.Count > 0 ? r.RoundCorrect[0] : null, r.Correct))]);
            transitions = new TransitionCounts(
                table.CorrectToCorrect, table.CorrectToIncorrect, table.IncorrectToCorrect, table.IncorrectToIncorrect, table.Skipped,
                table.CorrectToIncorrectRate, table.IncorrectToCorrectRate);
            byRound = Core.Instructing.Transitions.AccuracyByIteration(CarriedForward(rows));
        }

        var byRole = rows.SelectMany(r => r.CallsByRole)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value) / (double)n, StringComparer.Ordinal);
        return new StrategyResult(
            strategy, batch.Problems, batch.Correct, batch.Accuracy, batch.SamplesPerProblem,
            batch.PromptTokensPerProblem + batch.CompletionTokensPerProblem, batch.PromptTokensPerProblem, batch.CompletionTokensPerProblem,
            batch.CallsPerProblem, byRole, batch.WallSeconds, batch.Failed, iterative,
            transitions?.CorrectToIncorrectRate, transitions?.IncorrectToCorrectRate, transitions, byRound,
            strategy == StrategyNames.Magicore ? HardShares(rows) : null,
            strategy == StrategyNames.Iort ? DecisionSharesOf(rows) : null, results, transcripts, batch.Switches);
    }

    // A run that stopped early (Self-Refine's "it is correct") keeps its last answer for the rounds it skipped.
    private static List<IReadOnlyList<bool?>> CarriedForward(IReadOnlyList<OutputRow> rows)
    {
        var length = rows.Count == 0 ? 0 : rows.Max(r => r.RoundCorrect.Count);
        return [.. rows.Select(r => (IReadOnlyList<bool?>)[.. Enumerable.Range(0, r.RoundCorrect.Count == 0 ? 0 : length)
            .Select(i => r.RoundCorrect[Math.Min(i, r.RoundCorrect.Count - 1)])])];
    }

    // IoRT rows count the Instructor's decisions in details["select"], ["stop"] and ["refresh"].
    private static Dictionary<string, double> DecisionSharesOf(IReadOnlyList<OutputRow> rows)
    {
        string[] kinds = ["select", "stop", "refresh"];
        var counts = kinds.ToDictionary(k => k, k => rows.Sum(r => r.Details.TryGetValue(k, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : 0));
        var total = Math.Max(counts.Values.Sum(), 1);
        return kinds.ToDictionary(k => k, k => counts[k] / (double)total, StringComparer.Ordinal);
    }

    // MAgICoRe writes details["round{t}"] = "hard; ..." or "easy; ..." for every iteration t = 1..T.
    private static List<double> HardShares(IReadOnlyList<OutputRow> rows)
    {
        var shares = new List<double>();
        for (var t = 1; ; t++)
        {
            var key = "round" + t.ToString(CultureInfo.InvariantCulture);
            var classified = rows.Where(r => r.Details.ContainsKey(key)).ToList();
            if (classified.Count == 0)
            {
                return shares;
            }

            shares.Add(classified.Count(r => r.Details[key].StartsWith("hard", StringComparison.Ordinal)) / (double)classified.Count);
        }
    }
}

/// <summary>First answer versus final answer, counted and as fractions of the problems with both graded (docs/algorithms.md §2.7).</summary>
public sealed record TransitionCounts(
    int CorrectToCorrect,
    int CorrectToIncorrect,
    int IncorrectToCorrect,
    int IncorrectToIncorrect,
    int Skipped,
    double CorrectToIncorrectRate,
    double IncorrectToCorrectRate);

/// <summary>What <c>--match-budget</c> did: SC and BoK drew as many generations per problem as MAgICoRe used.</summary>
/// Self-Refine, when listed, gets the number of independent runs whose measured cost matches the same budget.
public sealed record BudgetMatch(
    string MatchedTo, double GenerationsPerProblem, int K, IReadOnlyList<string> Strategies, int? SelfRefineRuns = null, double? SelfRefineGenerationsPerRun = null);

/// <summary>The experiment's <c>summary.json</c>.</summary>
public sealed record ExperimentSummary(
    string Input,
    string Model,
    long Seed,
    int Problems,
    IReadOnlyList<string> Strategies,
    BudgetMatch? MatchBudget,
    IReadOnlyList<StrategyResult> Results)
{
    private static readonly JsonSerializerOptions Indented = new(OutputRow.Json) { WriteIndented = true };

    /// <summary>The text of <c>summary.json</c> (snake_case, indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);
}
