using Agents.Contracts.Solving;
using Agents.Core.Prompts;
using Agents.Core.Solving;

namespace Agents.Core.Tests.Solving;

public sealed class SolvingTests
{
    [Fact]
    public void Derive_SameInputs_SameSeed()
    {
        Assert.Equal(SampleSeed.Derive("job", "p1", "solver", 0, 7), SampleSeed.Derive("job", "p1", "solver", 0, 7));
    }

    [Theory]
    [InlineData("job2", "p1", "solver", 0, 7)]
    [InlineData("job", "p2", "solver", 0, 7)]
    [InlineData("job", "p1", "refiner", 0, 7)]
    [InlineData("job", "p1", "solver", 1, 7)]
    [InlineData("job", "p1", "solver", 0, 8)]
    public void Derive_AnyPartDiffers_SeedDiffers(string run, string problem, string role, int round, long seed)
    {
        Assert.NotEqual(SampleSeed.Derive("job", "p1", "solver", 0, 7), SampleSeed.Derive(run, problem, role, round, seed));
    }

    [Fact]
    public void ForChoice_IndexZeroKeepsBaseAndOthersAreDistinctAndPositive()
    {
        var baseSeed = SampleSeed.Derive("job", "p1", "solver", 0);
        var seeds = Enumerable.Range(0, 100).Select(i => SampleSeed.ForChoice(baseSeed, i)).ToArray();

        Assert.Equal(baseSeed, seeds[0]);
        Assert.Equal(100, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
    }

    [Fact]
    public void SolverPrompt_RoundTripsTheQuestion()
    {
        var messages = SolverPrompt.Build(PromptTemplates.Defaults, "  Ann has 3 apples.\nShe eats one. How many are left?  ");

        var user = Assert.Single(messages);
        Assert.Contains(PromptMarkers.SolverInstruction, user.Text, StringComparison.Ordinal);
        Assert.Equal("Ann has 3 apples.\nShe eats one. How many are left?", SolverPrompt.TryReadQuestion(user.Text));
        Assert.Null(SolverPrompt.TryReadQuestion("What is 2 + 2?"));
    }

    [Fact]
    public void Parse_StepLabels_CutsStepsAndExtractsAnswer()
    {
        var solution = SolutionParser.Parse("Let me think.\nStep 1: 3 + 4 = 7.\nStep 2: 7 * 2 = 14.\n  Step 10: done. The answer is \\boxed{14}.");

        Assert.Equal(["Let me think.", "3 + 4 = 7.", "7 * 2 = 14.", "done. The answer is \\boxed{14}."], solution.Steps.Select(s => s.Text));
        Assert.Equal([0, 1, 2, 3], solution.Steps.Select(s => s.Index));
        Assert.Equal("14", solution.Answer);
    }

    [Fact]
    public void Parse_NoLabels_CutsAtBlankLinesAndMayHaveNoAnswer()
    {
        var solution = SolutionParser.Parse("First we add.\n\nThen we multiply.");

        Assert.Equal(2, solution.Steps.Length);
        Assert.Null(solution.Answer);
    }

    [Fact]
    public void TokenUsage_Adds()
    {
        var sum = new TokenUsage(1, 2, 3, 4, 5) + new TokenUsage(10, 20, 30, 40, 50);

        Assert.Equal(new TokenUsage(11, 22, 33, 44, 55), sum);
    }
}
