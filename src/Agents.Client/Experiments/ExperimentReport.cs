using System.Globalization;
using System.Text;

namespace Agents.Client.Experiments;

/// <summary>Writes <c>report.md</c>: one comparison table, then the transition table of the iterative strategies.</summary>
public static class ExperimentReport
{
    /// <summary>The markdown text of the report.</summary>
    public static string Render(ExperimentSummary summary)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Experiment on {Path.GetFileName(summary.Input)}"));
        md.AppendLine();
        md.AppendLine(Invariant($"{summary.Problems} problems, model `{summary.Model}`, seed {summary.Seed}; every strategy ran the same problems with the same model and seed."));
        if (summary.MatchBudget is { } budget)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"Budget matched: {string.Join(", ", budget.Strategies)} drew k = {budget.K} samples per problem, the mean number of generations {budget.MatchedTo} used ({budget.GenerationsPerProblem:F2})."));
            if (budget.SelfRefineRuns is { } runs)
            {
                md.AppendLine(Invariant($"Self-Refine ran {runs} independent run(s) per problem: one run cost {budget.SelfRefineGenerationsPerRun:F2} generations in a calibration pass (calibration-self-refine.jsonl)."));
            }

        }

        md.AppendLine();
        md.AppendLine("| strategy | accuracy | samples/problem | tokens/problem | calls/problem | wall time | hard share by round | accuracy after each round | c→i | i→c |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---|---:|---:|");
        foreach (var r in summary.Results)
        {
            md.AppendLine(Invariant($"| {r.Strategy} | {Percent(r.Accuracy)} ({r.Correct}/{r.Problems}) | {r.SamplesPerProblem:F2} | {r.TokensPerProblem:F0} | {r.CallsPerProblem:F2} | {r.WallSeconds:F1} s | {Rounds(r.HardShareByRound, 1)} | {Rounds(r.AccuracyByRound, 0)} | {Optional(r.CorrectToIncorrect)} | {Optional(r.IncorrectToCorrect)} |"));
        }

        md.AppendLine();
        md.AppendLine("Samples are model generations (solver, reviewer and refiner); tokens are prompt + completion of every model and reward call. "
            + "Rounds: r0 is the answer before any refinement; hard share is the fraction of problems MAgICoRe classified hard in that iteration. "
            + "c→i and i→c are the fractions of problems whose final answer flipped from correct to incorrect, or back, against the first answer.");
        var iterative = summary.Results.Where(r => r.Transitions is not null).ToList();
        md.AppendLine();
        md.AppendLine("## Transitions (first answer → final answer)");
        md.AppendLine();
        if (iterative.Count == 0)
        {
            md.AppendLine("No iterative strategy (self-refine, magicore, iort) ran.");
            return md.ToString();
        }

        md.AppendLine("| strategy | correct→correct | correct→incorrect | incorrect→correct | incorrect→incorrect | ungraded | c→i | i→c |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in iterative)
        {
            var t = r.Transitions!;
            md.AppendLine(Invariant($"| {r.Strategy} | {t.CorrectToCorrect} | {t.CorrectToIncorrect} | {t.IncorrectToCorrect} | {t.IncorrectToIncorrect} | {t.Skipped} | {Percent(t.CorrectToIncorrectRate)} | {Percent(t.IncorrectToCorrectRate)} |"));
        }

        foreach (var r in summary.Results.Where(r => r.DecisionShares is not null))
        {
            md.AppendLine();
            md.AppendLine(Invariant($"{r.Strategy} Instructor decisions: ") + string.Join(", ", r.DecisionShares!.Select(kv => Invariant($"{kv.Key} {Percent(kv.Value)}"))) + ".");
        }

        return md.ToString();
    }

    /// <summary>A 0..1 share as the report writes it: <c>85.0%</c>.</summary>
    public static string Percent(double value) => (value * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <summary>A share that may be absent (non-iterative strategies have no transition rates): empty when null.</summary>
    public static string Optional(double? value) => value is { } v ? Percent(v) : "";

    /// <summary>Per-round shares as <c>r0 80.0% · r1 85.0%</c>, the first round numbered <paramref name="first"/>; empty when null.</summary>
    public static string Rounds(IReadOnlyList<double>? values, int first) =>
        values is null ? "" : string.Join(" · ", values.Select((v, i) => Invariant($"r{i + first} {Percent(v)}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
