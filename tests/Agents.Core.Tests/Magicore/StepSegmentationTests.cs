using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class StepSegmentationTests
{
    private const string MidSentence = "Step 1: a = 1.\nStep 2: b = 2, see Step 3 below.\nStep 3: c = 3.";

    private static readonly string Eleven = string.Join("\n", Enumerable.Range(1, 11).Select(i => $"Step {i}: x{i}."));

    [Fact]
    public void Segment_CodeModeMidSentenceStepReference_StartsNewStep()
    {
        var steps = StepSegmentation.Segment(MidSentence, robust: false);

        Assert.Equal(["Step 1: a = 1.", "Step 2: b = 2, see", "Step 3 below.", "Step 3: c = 3."], steps);
    }

    [Fact]
    public void Segment_RobustModeMidSentenceStepReference_StaysInStep()
    {
        var steps = StepSegmentation.Segment(MidSentence, robust: true);

        Assert.Equal(["Step 1: a = 1.", "Step 2: b = 2, see Step 3 below.", "Step 3: c = 3."], steps);
    }

    [Fact]
    public void Segment_CodeModeStep10And11_NotSplit()
    {
        var steps = StepSegmentation.Segment(Eleven, robust: false);

        Assert.Equal(9, steps.Count);
        Assert.Equal("Step 9: x9.\nStep 10: x10.\nStep 11: x11.", steps[8]);
    }

    [Fact]
    public void Segment_RobustModeStep10And11_Split()
    {
        var steps = StepSegmentation.Segment(Eleven, robust: true);

        Assert.Equal(11, steps.Count);
        Assert.Equal("Step 11: x11.", steps[10]);
    }

    [Fact]
    public void Segment_CodeModeBlankLines_CollapsedThenStepBoundariesOnly()
    {
        var steps = StepSegmentation.Segment("Step 1: a\n\nmore a\r\n\r\nStep 2: b\nThe answer is 3.", robust: false);

        Assert.Equal(["Step 1: a\nmore a", "Step 2: b\nThe answer is 3."], steps);
    }

    [Fact]
    public void PrmInput_TwoSteps_TagsCloseEachStep()
    {
        Assert.Equal("Q? Step 1: a ки\nStep 2: b ки", StepSegmentation.PrmInput("Q?", "Step 1: a\nStep 2: b", robust: false));
    }

    [Theory]
    [InlineData(0.25, 2)]
    [InlineData(0.35, 3)]
    [InlineData(0.05, 1)]
    [InlineData(0.95, 9)]
    [InlineData(0.45, 5)]
    [InlineData(0.15, 1)]
    [InlineData(0.75, 8)]
    [InlineData(0.85, 8)]
    [InlineData(0.96, 10)]
    [InlineData(0.04, 0)]
    [InlineData(1.0, 10)]
    [InlineData(0.0, 0)]
    [InlineData(0.2550690257394217, 3)]
    [InlineData(0.4494910647887381, 4)]
    public void ScoreTenths_PythonRoundHalfEvenOnBinaryValue_MatchesPython(double p, int expected)
    {
        Assert.Equal(expected, ChainAnnotation.ScoreTenths(p));
    }

    [Fact]
    public void Annotate_TwoSteps_ScoreAfterEachStepAndNewline()
    {
        var text = ChainAnnotation.Annotate("Step 1: a\nStep 2: b", [0.95, 0.25], robustSegmentation: true);

        Assert.Equal("Step 1: a (Score: 9/10)\nStep 2: b (Score: 2/10)\n", text);
    }
}
