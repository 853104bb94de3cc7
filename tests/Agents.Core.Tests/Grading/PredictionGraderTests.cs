using Agents.Contracts.Problems;
using Agents.Core.Answers;
using Agents.Core.Grading;
using Agents.Core.Problems;
using Agents.Testing;

namespace Agents.Core.Tests.Grading;

public sealed class PredictionGraderTests
{
    private static string Write(params string[] lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pred-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Grade_AnswerResponseAndSolutionFields_ExtractsAndGrades()
    {
        Problem[] problems = [new("a", "q", "12", "generic"), new("b", "q", "\\frac{1}{2}", "generic"), new("c", "q", "3", "generic")];
        var path = Write(
            """{"id":"a","answer":"12"}""",
            """{"id":"b","response":"so it is \\boxed{0.5}"}""",
            """{"id":"c","solution":"The answer is 4."}""");

        var (predictions, errors) = PredictionGrader.ReadPredictions(path);
        var report = PredictionGrader.Grade(problems, predictions, EquivalenceMode.Numeric);

        Assert.Empty(errors);
        Assert.Equal([true, true, false], report.Rows.Select(r => r.Correct));
        Assert.Equal(["12", "0.5", "4"], report.Rows.Select(r => r.Answer));
        Assert.Equal(2, report.Correct);
    }

    [Fact]
    public void Grade_BadRowsUnknownIdsAndDuplicates_ReportedWithLines()
    {
        Problem[] problems = [new("a", "q", "1", "generic"), new("b", "q", "2", "generic")];
        var path = Write(
            """{"id":"a","answer":"1"}""",
            """{"id":"a","answer":"1"}""",
            "{broken",
            """{"id":"zz","answer":"1"}""",
            """{"id":"b"}""");
        var name = Path.GetFileName(path);

        var (predictions, errors) = PredictionGrader.ReadPredictions(path);
        var report = PredictionGrader.Grade(problems, predictions, EquivalenceMode.Numeric, name);

        Assert.Equal([$"{name}:3", $"{name}:5"], errors.Select(e => $"{e.File}:{e.Line}"));
        Assert.Contains("missing field 'answer' or 'response'", errors[1].Reason, StringComparison.Ordinal);
        Assert.Equal([$"{name}:2: duplicate prediction for id 'a'", $"{name}:4: no problem with id 'zz' in the dataset"], report.Errors.Select(e => e.ToString()));
        Assert.Equal(1, report.MissingPredictions);
    }

    [SharedDataFact("gsm8k_test.jsonl")]
    public void Grade_Gsm8kReferenceSolutionsAsPredictions_AllCorrect()
    {
        var path = SharedData.Dataset("gsm8k_test.jsonl")!;
        var dataset = DatasetReader.Read(path);

        var (predictions, errors) = PredictionGrader.ReadPredictions(path);
        var report = PredictionGrader.Grade(dataset.Problems, predictions, EquivalenceMode.Numeric);

        Assert.Empty(errors);
        Assert.Equal((1319, 1319), (report.Rows.Length, report.Correct));
    }

    [SharedDataFact("math500_test.jsonl")]
    public void Grade_Math500ReferenceSolutionsAsPredictions_AllCorrectInEveryMode()
    {
        var path = SharedData.Dataset("math500_test.jsonl")!;
        var dataset = DatasetReader.Read(path);
        var (predictions, _) = PredictionGrader.ReadPredictions(path);

        foreach (var mode in Enum.GetValues<EquivalenceMode>())
        {
            var report = PredictionGrader.Grade(dataset.Problems, predictions, mode);
            Assert.Equal((500, 500), (report.Rows.Length, report.Correct));
        }
    }
}
