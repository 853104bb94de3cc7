namespace Agents.Core.SelfPlay;

/// <summary>A critic's verdict on the last of the given steps: (problem, previous steps, last step) → verdict.</summary>
public delegate CriticVerdict StepCritic(string problem, IReadOnlyList<string> previousSteps, string lastStep);

/// <summary>Which steps SPC's step-level variant turns into items (docs/algorithms.md §3.8; unknown in the paper).</summary>
public enum StepLevelScope
{
    /// <summary>Steps before the first error (label +1) and the first error (−1); correct solutions give all steps (+1). Default: only labelled steps.</summary>
    UpToFirstError,

    /// <summary>Also the steps after the first error, labelled −1 (a Math-Shepherd-style reading).</summary>
    AllSteps,
}

/// <summary>A first-error prediction for one ProcessBench item.</summary>
/// <param name="ProblemId">The item id.</param>
/// <param name="Subset">The subset (the id up to its last '-', e.g. "gsm8k").</param>
/// <param name="Label">The gold index of the first wrong step (−1 when all are right).</param>
/// <param name="Predicted">The index of the first step the critic rejected (−1 when none).</param>
/// <param name="Calls">Critic calls made (the critic runs step by step until it rejects one).</param>
/// <param name="InvalidVerdicts">Outputs without a valid verdict (treated as acceptance).</param>
public sealed record FirstErrorPrediction(string ProblemId, string Subset, int Label, int Predicted, int Calls, int InvalidVerdicts);

/// <summary>The official ProcessBench score of a subset (docs/algorithms.md §3.8), as fractions in [0, 1].</summary>
/// <param name="Subset">The subset, or "pooled" (every item together) or "all" (the mean over subsets).</param>
/// <param name="Erroneous">Items with an error.</param>
/// <param name="Correct">Items without an error.</param>
/// <param name="ErroneousAccuracy">Share of erroneous items whose first error was predicted exactly.</param>
/// <param name="CorrectAccuracy">Share of correct items predicted −1.</param>
/// <param name="F1">Harmonic mean of the two accuracies (0 when either is 0).</param>
/// <param name="Calls">Critic calls.</param>
public sealed record OfficialScore(string Subset, int Erroneous, int Correct, double ErroneousAccuracy, double CorrectAccuracy, double F1, int Calls);

/// <summary>One item of SPC's step-level variant: a step with its human label.</summary>
/// <param name="ProblemId">The item id.</param>
/// <param name="Subset">The subset.</param>
/// <param name="StepIndex">The judged step.</param>
/// <param name="Label">+1 right, −1 wrong.</param>
public sealed record StepItem(string ProblemId, string Subset, int StepIndex, int Label);

/// <summary>SPC's step-level score of a subset (docs/algorithms.md §3.8), fractions in [0, 1].</summary>
/// <param name="Subset">The subset ("average" for the mean over subsets).</param>
/// <param name="Items">Step items.</param>
/// <param name="Accuracy">Share of items whose verdict matches the label (invalid verdicts count as wrong).</param>
/// <param name="CorrectRecall">Accuracy on +1 items.</param>
/// <param name="ErrorRecall">Accuracy on −1 items.</param>
public sealed record StepLevelScore(string Subset, int Items, double Accuracy, double CorrectRecall, double ErrorRecall);

/// <summary>ProcessBench evaluation of a step critic: the official first-error metric and SPC's step-level variant, per subset.</summary>
public static class ProcessBenchEvaluation
{
    /// <summary>The subset of an item: its id up to the last '-' ("gsm8k-12" → "gsm8k"), else its source.</summary>
    public static string SubsetOf(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var dash = problem.Id.LastIndexOf('-');
        return dash > 0 ? problem.Id[..dash] : problem.Source;
    }

    /// <summary>Runs the critic on steps 0, 1, … until it rejects one; that index (or −1) is the prediction.</summary>
    public static FirstErrorPrediction PredictFirstError(Problem problem, StepCritic critic)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(critic);
        var steps = problem.Steps;
        int calls = 0, invalid = 0, predicted = -1;
        for (var i = 0; i < steps.Length; i++)
        {
            var verdict = critic(problem.Question, [.. steps.Take(i)], steps[i]);
            calls++;
            if (verdict == CriticVerdict.Invalid)
            {
                invalid++;
            }
            else if (verdict == CriticVerdict.Incorrect)
            {
                predicted = i;
                break;
            }
        }

        return new FirstErrorPrediction(problem.Id, SubsetOf(problem), problem.FirstErrorStep ?? -1, predicted, calls, invalid);
    }

    /// <summary>The subset name of the row scored over every item pooled together.</summary>
    public const string PooledRow = "pooled";

    /// <summary>The subset name of the summary row: the mean of the subsets' scores, as ProcessBench's table reports it.</summary>
    public const string AllRow = "all";

    /// <summary>
    /// The official scores per subset (in order of first appearance), then <see cref="PooledRow"/> (accuracies and F1 over
    /// every item pooled together), then <see cref="AllRow"/>: the arithmetic mean of the subsets' accuracies and F1
    /// scores (the paper's average column), with item and call totals.
    /// </summary>
    public static ImmutableArray<OfficialScore> Official(IReadOnlyCollection<FirstErrorPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var subsets = predictions.GroupBy(p => p.Subset).Select(g => OfficialOf(g.Key, [.. g])).ToArray();
        var all = subsets.Length == 0
            ? new OfficialScore(AllRow, 0, 0, 0, 0, 0, 0)
            : new OfficialScore(
                AllRow, subsets.Sum(s => s.Erroneous), subsets.Sum(s => s.Correct), subsets.Average(s => s.ErroneousAccuracy),
                subsets.Average(s => s.CorrectAccuracy), subsets.Average(s => s.F1), subsets.Sum(s => s.Calls));
        return [.. subsets, OfficialOf(PooledRow, [.. predictions]), all];
    }

    /// <summary>The step items of one problem (problems without a label give none).</summary>
    public static IEnumerable<StepItem> StepItems(Problem problem, StepLevelScope scope = StepLevelScope.UpToFirstError)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.FirstErrorStep is not { } label)
        {
            yield break;
        }

        var subset = SubsetOf(problem);
        var last = label < 0 || scope == StepLevelScope.AllSteps ? problem.Steps.Length - 1 : Math.Min(label, problem.Steps.Length - 1);
        for (var i = 0; i <= last; i++)
        {
            yield return new StepItem(problem.Id, subset, i, label >= 0 && i >= label ? -1 : 1);
        }
    }

    /// <summary>Judges every step item of the problems with the critic (one call per item).</summary>
    public static ImmutableArray<(StepItem Item, CriticVerdict Verdict)> JudgeSteps(IEnumerable<Problem> problems, StepCritic critic, StepLevelScope scope = StepLevelScope.UpToFirstError)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(critic);
        return
        [
            .. problems.SelectMany(p => StepItems(p, scope).Select(item =>
                (item, critic(p.Question, [.. p.Steps.Take(item.StepIndex)], p.Steps[item.StepIndex])))),
        ];
    }

    /// <summary>Step-level scores per subset (in order of first appearance), then "average": the unweighted mean over subsets.</summary>
    public static ImmutableArray<StepLevelScore> StepLevel(IReadOnlyCollection<(StepItem Item, CriticVerdict Verdict)> judged)
    {
        ArgumentNullException.ThrowIfNull(judged);
        var subsets = judged.GroupBy(j => j.Item.Subset).Select(g => StepLevelOf(g.Key, [.. g])).ToArray();
        var average = subsets.Length == 0
            ? new StepLevelScore("average", 0, 0, 0, 0)
            : new StepLevelScore("average", subsets.Sum(s => s.Items), subsets.Average(s => s.Accuracy), subsets.Average(s => s.CorrectRecall), subsets.Average(s => s.ErrorRecall));
        return [.. subsets, average];
    }

    private static OfficialScore OfficialOf(string subset, IReadOnlyList<FirstErrorPrediction> predictions)
    {
        var erroneous = predictions.Where(p => p.Label >= 0).ToArray();
        var correct = predictions.Where(p => p.Label < 0).ToArray();
        var errorAccuracy = Share(erroneous.Count(p => p.Predicted == p.Label), erroneous.Length);
        var correctAccuracy = Share(correct.Count(p => p.Predicted == -1), correct.Length);
        var f1 = errorAccuracy + correctAccuracy == 0 ? 0 : 2 * errorAccuracy * correctAccuracy / (errorAccuracy + correctAccuracy);
        return new OfficialScore(subset, erroneous.Length, correct.Length, errorAccuracy, correctAccuracy, f1, predictions.Sum(p => p.Calls));
    }

    private static StepLevelScore StepLevelOf(string subset, IReadOnlyList<(StepItem Item, CriticVerdict Verdict)> judged)
    {
        static bool Right((StepItem Item, CriticVerdict Verdict) j) => CriticPrompt.Label(j.Verdict) == j.Item.Label;
        var positives = judged.Where(j => j.Item.Label > 0).ToArray();
        var negatives = judged.Where(j => j.Item.Label < 0).ToArray();
        return new StepLevelScore(subset, judged.Count, Share(judged.Count(Right), judged.Count), Share(positives.Count(Right), positives.Length), Share(negatives.Count(Right), negatives.Length));
    }

    private static double Share(int count, int total) => total == 0 ? 0 : (double)count / total;
}
