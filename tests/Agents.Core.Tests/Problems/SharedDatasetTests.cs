using Agents.Core.Problems;
using Agents.Testing;

namespace Agents.Core.Tests.Problems;

public sealed class SharedDatasetTests
{
    [ProblemsDataFact("gsm8k_test.jsonl")]
    public void Read_Gsm8kTest_AllRowsWithGold()
    {
        var result = DatasetReader.Read(SharedData.Dataset("gsm8k_test.jsonl")!);

        Assert.Empty(result.Errors);
        Assert.Equal(1319, result.Problems.Length);
        Assert.All(result.Problems, p => Assert.Equal("gsm8k", p.Source));
        Assert.Equal(1319, result.Problems.Count(p => !string.IsNullOrEmpty(p.Gold)));
        Assert.Equal("18", result.Problems[0].Gold);
        Assert.Equal(("1", 1), (result.Problems[0].Id, result.Problems[0].Line));
    }

    [ProblemsDataFact("math500_test.jsonl")]
    public void Read_Math500Test_AllRowsWithGoldAndUniqueIds()
    {
        var result = DatasetReader.Read(SharedData.Dataset("math500_test.jsonl")!);

        Assert.Empty(result.Errors);
        Assert.Equal(500, result.Problems.Length);
        Assert.All(result.Problems, p => Assert.Equal("math", p.Source));
        Assert.All(result.Problems, p => Assert.False(string.IsNullOrEmpty(p.Gold)));
        Assert.All(result.Problems, p => Assert.StartsWith("test/", p.Id, StringComparison.Ordinal));
        Assert.Equal("\\left( 3, \\frac{\\pi}{2} \\right)", result.Problems[0].Gold);
    }

    [ProblemsDataFact("processbench_gsm8k.json")]
    public void Read_ProcessBenchGsm8k_AllRowsWithStepsAndLabels()
    {
        var result = DatasetReader.Read(SharedData.Dataset("processbench_gsm8k.json")!);

        Assert.Empty(result.Errors);
        Assert.Equal(400, result.Problems.Length);
        Assert.All(result.Problems, p =>
        {
            Assert.Equal("processbench", p.Source);
            Assert.NotEmpty(p.Steps);
            Assert.NotNull(p.FirstErrorStep);
            Assert.Null(p.Gold);
        });
        Assert.Equal(("gsm8k-0", 2), (result.Problems[0].Id, result.Problems[0].Line));
    }

    [ProblemsDataFact("processbench_math.json")]
    public void Read_ProcessBenchMath_AllRowsWithSteps()
    {
        var result = DatasetReader.Read(SharedData.Dataset("processbench_math.json")!);

        Assert.Empty(result.Errors);
        Assert.Equal(1000, result.Problems.Length);
        Assert.All(result.Problems, p => Assert.NotEmpty(p.Steps));
    }

    [Fact]
    public void Read_RepositorySamples_ReadAsDocumented()
    {
        var samples = Path.Combine(SharedData.RepoRoot, "samples");

        var gsm8k = DatasetReader.Read(Path.Combine(samples, "gsm8k-sample.jsonl"));
        var math = DatasetReader.Read(Path.Combine(samples, "math500-sample.jsonl"));
        var bad = DatasetReader.Read(Path.Combine(samples, "bad-rows.jsonl"));

        Assert.Equal((20, 0), (gsm8k.Problems.Length, gsm8k.Errors.Length));
        Assert.Equal((20, 0), (math.Problems.Length, math.Errors.Length));
        Assert.Equal(["add-1", "mul-1", "add-2", "sub-1", "div-1"], bad.Problems.Select(p => p.Id));
        Assert.Equal([3, 4, 5, 7, 8, 9, 11, 12, 13, 14], bad.Errors.Select(e => e.Line));
        Assert.Equal(
            [
                "row must be a JSON object, got array", "missing field 'question' or 'problem'", "field 'question' is empty",
                "field 'question' must be a string, got number", "empty line", "duplicate id 'add-1' (first seen on line 1)",
                "binary content: NUL byte at column 31", "invalid UTF-8 at column 36",
                "byte order mark at column 1 (line is not at the start of the file)",
            ],
            bad.Errors.Skip(1).Select(e => e.Reason));
        Assert.StartsWith("invalid JSON at column 61: ", bad.Errors[0].Reason, StringComparison.Ordinal);
    }
}
