using Agents.Core.Simulation;

namespace Agents.Core.Tests.Simulation;

public sealed class SyntheticProblemsTests
{
    [Fact]
    public void Generate_SameSeed_SameProblems()
    {
        var a = SyntheticProblems.Generate(50, 7).ToList();
        var b = SyntheticProblems.Generate(50, 7).ToList();

        Assert.Equal(a, b);
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentProblems()
    {
        var a = SyntheticProblems.Generate(50, 7).Select(p => p.Question);
        var b = SyntheticProblems.Generate(50, 8).Select(p => p.Question);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Generate_LongerList_StartsWithTheShorter()
    {
        var shorter = SyntheticProblems.Generate(10, 3).ToList();
        var longer = SyntheticProblems.Generate(30, 3).ToList();

        Assert.Equal(shorter, longer.Take(10));
    }

    [Fact]
    public void Generate_KnownSeed_StableText()
    {
        // Pins the generator across .NET versions: the PRNG and hashing are fixed algorithms.
        var first = SyntheticProblems.Generate(1, 42).Single();
        var again = SyntheticProblems.GenerateOne(42, 0);

        Assert.Equal(again.Question, first.Question);
        Assert.Equal(
            "Sara has 13 books. Then Sara sells 3 books. Then Sara gets 5 more books. Then Sara gives away 2 books. " +
            "Then Sara finds 15 more books. Then Sara loses 11 books. Then Sara gives away 13 books. " +
            "Then Sara swaps each one for a box that holds 4 books. Then Sara swaps each one for a box that holds 5 books. " +
            "How many books does Sara have now?",
            first.Question);
        Assert.Equal("80", first.Gold);
        Assert.Equal("synth-0001", first.Id);
        Assert.Equal(SyntheticProblems.Source, first.Source);
        Assert.Equal(again.Answer.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Gold);
    }

    [Theory]
    [InlineData(2, 8)]
    [InlineData(5, 5)]
    [InlineData(1, 3)]
    public void Generate_StepBounds_DifficultyWithinBounds(int min, int max)
    {
        var steps = Enumerable.Range(0, 500).Select(i => SyntheticProblems.GenerateOne(11, i, min, max).Steps).ToList();

        // A bound every generated problem must keep, not a seeded outcome.
        Assert.All(steps, s => Assert.InRange(s, min, max));
        Assert.Equal(max - min + 1, steps.Distinct().Count());
    }

    [Fact]
    public void Generate_AnyProblem_IntermediateValuesPositiveBoundedIntegers()
    {
        for (var i = 0; i < 2000; i++)
        {
            var problem = SyntheticProblems.GenerateOne(5, i);
            // A bound every generated value must keep, not a seeded outcome.
            Assert.All(problem.Values, v => Assert.InRange(v, 1, SyntheticProblems.MaxValue));
            for (var k = 0; k < problem.Steps; k++)
            {
                var operation = problem.Operations[k];
                if (operation.Kind == OperationKind.Divide)
                {
                    Assert.Equal(0, problem.Values[k] % operation.Operand);
                }
            }
        }
    }

    [Fact]
    public void Generate_ManyProblems_UsesEveryOperation()
    {
        var kinds = Enumerable.Range(0, 200).SelectMany(i => SyntheticProblems.GenerateOne(1, i).Operations).Select(o => o.Kind).Distinct();

        Assert.Equal(4, kinds.Count());
    }

    [Fact]
    public void Generate_Ids_NumberedFromOne()
    {
        var ids = SyntheticProblems.Generate(12, 1).Select(p => p.Id).ToList();

        Assert.Equal("synth-0001", ids[0]);
        Assert.Equal("synth-0012", ids[^1]);
    }

    [Fact]
    public void TryParse_EveryGeneratedProblem_RoundTrips()
    {
        for (var i = 0; i < 1000; i++)
        {
            var problem = SyntheticProblems.GenerateOne(2024, i);
            var parsed = SyntheticProblems.TryParse(problem.Question);

            Assert.NotNull(parsed);
            Assert.Equal(problem, parsed);
            Assert.Equal(problem.Question, parsed.Question);
            Assert.Equal(problem.Answer, parsed.Answer);
        }
    }

    [Fact]
    public void TryParse_GeneratedProblemRecord_AnswerEqualsGold()
    {
        foreach (var problem in SyntheticProblems.Generate(200, 9))
        {
            var parsed = SyntheticProblems.TryParse(problem.Question);

            Assert.NotNull(parsed);
            Assert.Equal(problem.Gold, parsed.Answer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips to friends in May. How many clips did Natalia sell altogether in April and May?")]
    [InlineData("What is 2 + 2?")]
    [InlineData("")]
    [InlineData("Mia has 7 apples. How many apples does Mia have now?")]
    [InlineData("Mia has 7 apples. Then Mia buys 3 more apples. How many apples does Noah have now?")]
    [InlineData("Mia has 7 apples. Then Mia shares the apples equally among 2 friends and keeps one share. How many apples does Mia have now?")]
    [InlineData("Mia has 7 apples. Then Mia gives away 7 apples. How many apples does Mia have now?")]
    public void TryParse_OutsideTheLanguage_Null(string question)
    {
        Assert.Null(SyntheticProblems.TryParse(question));
    }

    [Fact]
    public void TryParse_HandWrittenQuestion_ParsesOperations()
    {
        var parsed = SyntheticProblems.TryParse(
            "Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. " +
            "Then Mia swaps each one for a box that holds 3 apples. " +
            "Then Mia shares the apples equally among 5 friends and keeps one share. How many apples does Mia have now?");

        Assert.NotNull(parsed);
        Assert.Equal([OperationKind.Gain, OperationKind.Loss, OperationKind.Multiply, OperationKind.Divide], parsed.Operations.Select(o => o.Kind));
        Assert.Equal([12L, 17, 15, 45, 9], parsed.Values);
        Assert.Equal(9, parsed.Answer);
    }

    [Fact]
    public void CheckSteps_CorrectSteps_AllRight()
    {
        var problem = SyntheticProblems.GenerateOne(3, 3, 6, 6);
        var steps = Enumerable.Range(0, problem.Steps).Select(problem.CorrectStep).ToList();

        Assert.All(problem.CheckSteps(steps), Assert.True);
    }

    [Fact]
    public void CheckSteps_WrongResultOrWrongInput_Wrong()
    {
        var problem = SyntheticProblems.TryParse("Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. How many apples does Mia have now?")!;

        var verdicts = problem.CheckSteps(["Mia buys 5 more apples: 12 + 5 = 18.", "Mia sells 2 apples: 18 - 2 = 16.", "Done: 1 + 1 = 2."]);

        Assert.Equal([false, false, false], verdicts);
        Assert.Equal([true, true], problem.CheckSteps(["12 × 1 = 12; 12 + 5 = 17", "17 − 2 = 15\nThe answer is \\boxed{15}."]));
        Assert.Equal([true, false], problem.CheckSteps(["12 + 5 = 17", "17 - 2 = 15. The answer is \\boxed{14}."]));
    }
}
