using System.Collections.Immutable;
using Agents.Contracts.Problems;
using Agents.Core.Problems;
using Agents.Core.SelfPlay;
using Agents.Testing;

namespace Agents.Core.Tests.SelfPlay;

public sealed class ProcessBenchEvaluationTests
{
    private static readonly string FixturePath = Path.Combine(SharedData.RepoRoot, "tests", "Agents.Core.Tests", "SelfPlay", "processbench-mini.json");

    public static TheoryData<string> Files => new() { "fixture", "processbench_gsm8k.json", "processbench_math.json" };

    [Fact]
    public void Official_Fixture_ReadWithLabelsAndSubsets()
    {
        var problems = Load("fixture")!;

        Assert.Equal(5, problems.Length);
        Assert.Equal(new int?[] { -1, 0, 2, -1, 1 }, problems.Select(p => p.FirstErrorStep));
        Assert.Equal(["gsm8k", "gsm8k", "gsm8k", "math", "math"], problems.Select(ProcessBenchEvaluation.SubsetOf));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Official_OracleCritic_HundredOnBothHalves(string file)
    {
        var problems = Load(file);
        if (problems is null)
        {
            return; // shared dataset absent on this machine
        }

        var scores = ProcessBenchEvaluation.Official([.. problems.Select(p => ProcessBenchEvaluation.PredictFirstError(p, Oracle(p)))]);

        Assert.All(scores, s => Assert.Equal((1.0, 1.0, 1.0), (s.Erroneous == 0 ? 1 : s.ErroneousAccuracy, s.Correct == 0 ? 1 : s.CorrectAccuracy, s.Erroneous == 0 || s.Correct == 0 ? 1 : s.F1)));
        var all = scores[^1];
        Assert.Equal("all", all.Subset);
        Assert.Equal((1.0, 1.0, 1.0), (all.ErroneousAccuracy, all.CorrectAccuracy, all.F1));
        // Step by step until the first rejection: label + 1 calls for erroneous items, every step for correct ones.
        Assert.Equal(problems.Sum(p => p.FirstErrorStep < 0 ? p.Steps.Length : p.FirstErrorStep!.Value + 1), all.Calls);
        var stepLevel = ProcessBenchEvaluation.StepLevel([.. problems.SelectMany(p => ProcessBenchEvaluation.JudgeSteps([p], Oracle(p, stepLevel: true)))]);
        Assert.All(stepLevel, s => Assert.Equal(1.0, s.Accuracy));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Official_ConstantCritics_ScoreWhatTheArithmeticSays(string file)
    {
        var problems = Load(file);
        if (problems is null)
        {
            return;
        }

        var erroneous = problems.Count(p => p.FirstErrorStep >= 0);
        var correct = problems.Length - erroneous;
        var errorAtZero = problems.Count(p => p.FirstErrorStep == 0);

        // The pooled row: every item together.
        var alwaysCorrect = ProcessBenchEvaluation.Official([.. problems.Select(p => ProcessBenchEvaluation.PredictFirstError(p, (_, _, _) => CriticVerdict.Correct))])[^2];
        var wrongAtZero = ProcessBenchEvaluation.Official([.. problems.Select(p => ProcessBenchEvaluation.PredictFirstError(p, (_, _, _) => CriticVerdict.Incorrect))])[^2];

        Assert.Equal((0.0, 1.0, 0.0), (alwaysCorrect.ErroneousAccuracy, alwaysCorrect.CorrectAccuracy, alwaysCorrect.F1));
        Assert.Equal(problems.Sum(p => p.Steps.Length), alwaysCorrect.Calls);
        Assert.Equal((erroneous, correct), (alwaysCorrect.Erroneous, alwaysCorrect.Correct));
        Assert.Equal((double)errorAtZero / erroneous, wrongAtZero.ErroneousAccuracy, 12);
        Assert.Equal("pooled", wrongAtZero.Subset);
        Assert.Equal((0.0, 0.0), (wrongAtZero.CorrectAccuracy, wrongAtZero.F1));
        Assert.Equal(problems.Length, wrongAtZero.Calls);

        // Step level (up to the first error): "always correct" is right on exactly the +1 items, per subset.
        var judged = ProcessBenchEvaluation.JudgeSteps(problems, (_, _, _) => CriticVerdict.Correct);
        var stepLevel = ProcessBenchEvaluation.StepLevel(judged);
        foreach (var subset in problems.GroupBy(ProcessBenchEvaluation.SubsetOf))
        {
            var positives = subset.Sum(p => p.FirstErrorStep < 0 ? p.Steps.Length : p.FirstErrorStep!.Value);
            var items = positives + subset.Count(p => p.FirstErrorStep >= 0);
            var score = stepLevel.Single(s => s.Subset == subset.Key);
            Assert.Equal(items, score.Items);
            Assert.Equal((double)positives / items, score.Accuracy, 12);
            Assert.Equal((1.0, 0.0), (score.CorrectRecall, score.ErrorRecall));
        }

        Assert.Equal(stepLevel[..^1].Average(s => s.Accuracy), stepLevel[^1].Accuracy, 12);
    }

    [Fact]
    public void Official_AllRow_ArithmeticMeanOfSubsetF1NotHarmonicGeometricMinimumOrPooled()
    {
        // Subset a: 1 erroneous (found), 9 correct (1 passed) → accuracies 1 and 1/9, F1 0.2. Subset b: 10 + 10 items, 8 right
        // of each → F1 0.8. Mean 0.5; harmonic 0.32, geometric 0.4, minimum 0.2; pooled: 9/11 and 9/19 → F1 0.6.
        var predictions = new List<FirstErrorPrediction> { new("a-0", "a", 2, 2, 3, 0) };
        predictions.AddRange(Enumerable.Range(1, 9).Select(i => new FirstErrorPrediction($"a-{i}", "a", -1, i == 1 ? -1 : 0, 1, 0)));
        predictions.AddRange(Enumerable.Range(0, 10).Select(i => new FirstErrorPrediction($"b-{i}", "b", 1, i < 8 ? 1 : 0, 2, 0)));
        predictions.AddRange(Enumerable.Range(10, 10).Select(i => new FirstErrorPrediction($"b-{i}", "b", -1, i < 18 ? -1 : 3, 4, 0)));

        var scores = ProcessBenchEvaluation.Official(predictions);

        Assert.Equal(["a", "b", "pooled", "all"], scores.Select(s => s.Subset));
        Assert.Equal(0.2, scores[0].F1, 12);
        Assert.Equal(0.8, scores[1].F1, 12);
        Assert.Equal(0.6, scores[2].F1, 12);
        var all = scores[3];
        Assert.Equal(0.5, all.F1, 12);
        Assert.Equal(((1 + 0.8) / 2, ((1.0 / 9) + 0.8) / 2), (all.ErroneousAccuracy, all.CorrectAccuracy));
        Assert.Equal((11, 19, 3 + 9 + 20 + 40), (all.Erroneous, all.Correct, all.Calls));
    }

    [Fact]
    public void Official_FixtureMixedCritic_HandComputedScores()
    {
        // Predicts step 1 for every item: right only for math-1 among the erroneous, wrong for every correct item.
        var problems = Load("fixture")!;

        var scores = ProcessBenchEvaluation.Official([.. problems.Select(p => ProcessBenchEvaluation.PredictFirstError(p, (_, previous, _) => previous.Count == 1 ? CriticVerdict.Incorrect : CriticVerdict.Correct))]);

        var gsm8k = scores[0];
        var math = scores[1];
        Assert.Equal(("gsm8k", 2, 1, 0.0, 0.0), (gsm8k.Subset, gsm8k.Erroneous, gsm8k.Correct, gsm8k.ErroneousAccuracy, gsm8k.CorrectAccuracy));
        Assert.Equal(("math", 1.0, 0.0, 0.0), (math.Subset, math.ErroneousAccuracy, math.CorrectAccuracy, math.F1));
        Assert.Equal(("pooled", 1.0 / 3), (scores[2].Subset, scores[2].ErroneousAccuracy));
        Assert.Equal(2 + 2 + 2 + 2 + 2, scores[2].Calls);
        Assert.Equal(("all", 0.5, 0.0), (scores[3].Subset, scores[3].ErroneousAccuracy, scores[3].F1));
    }

    [Fact]
    public void StepItems_AllStepsScope_LabelsStepsAfterErrorWrong()
    {
        var problem = Load("fixture")![2];

        Assert.Equal([1, 1, -1], ProcessBenchEvaluation.StepItems(problem).Select(i => i.Label));
        Assert.Equal([1, 1, -1, -1], ProcessBenchEvaluation.StepItems(problem, StepLevelScope.AllSteps).Select(i => i.Label));
    }

    [Fact]
    public void PredictFirstError_InvalidVerdicts_CountedAndSkipped()
    {
        var problem = Load("fixture")![2];

        var prediction = ProcessBenchEvaluation.PredictFirstError(problem, (_, previous, _) => previous.Count switch
        {
            0 => CriticVerdict.Invalid,
            1 => CriticVerdict.Correct,
            _ => CriticVerdict.Incorrect,
        });

        Assert.Equal((2, 2, 3, 1), (prediction.Label, prediction.Predicted, prediction.Calls, prediction.InvalidVerdicts));
    }

    private static Problem[]? Load(string file)
    {
        var path = file == "fixture" ? FixturePath : SharedData.Dataset(file);
        if (path is null)
        {
            return null;
        }

        var result = DatasetReader.Read(path);
        Assert.Empty(result.Errors);
        return [.. result.Problems];
    }

    // Rejects the labelled first error (and, for the step-level variant, every later step).
    private static StepCritic Oracle(Problem problem, bool stepLevel = false) =>
        (_, previous, _) => problem.FirstErrorStep is { } label && label >= 0 && (stepLevel ? previous.Count >= label : previous.Count == label)
            ? CriticVerdict.Incorrect
            : CriticVerdict.Correct;
}
