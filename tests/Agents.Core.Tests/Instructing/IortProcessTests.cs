using Agents.Core.Instructing;
using Agents.Core.Prompts;

namespace Agents.Core.Tests.Instructing;

public sealed class IortProcessTests
{
    private const string Question = "What is two plus three?";

    private static string Chain(int answer) => $"Step 1: two plus three.\nThe answer is \\boxed{{{answer}}}.";

    private static string Revision(int answer) => $"{PromptMarkers.BetterAnswerLead}\n{Chain(answer)}";

    // Scripted roles: the generator and the reviser answer from queues; the Instructor from a function of the call.
    private sealed class Script
    {
        public Queue<string> Generated { get; } = new();

        public Queue<string> Revised { get; } = new();

        public Func<IortCall, string> Instruct { get; set; } = _ => PromptMarkers.DecisionStop;

        public List<IortCall> Calls { get; } = [];

        public IortRoles Roles => new(
            c => Log(c, "Plan: add the numbers."),
            c => Log(c, Generated.Dequeue()),
            c => Log(c, c.Role == IortRole.ReflectorCritique ? "1. Plausibility: fine." : Revised.Dequeue()),
            c => Log(c, Instruct(c)));

        private string Log(IortCall call, string text)
        {
            Calls.Add(call);
            return text;
        }
    }

    private static bool IsSelect(IortCall call) => call.Messages[^1].Text.Contains(PromptMarkers.InstructorSelectInstruction, StringComparison.Ordinal);

    // Picks the response with the highest number (the newest) on select; stop when answers agree.
    private static string PickNewest(IortCall call)
    {
        if (!IsSelect(call))
        {
            return $"They agree.\n{PromptMarkers.DecisionStop}";
        }

        var numbers = System.Text.RegularExpressions.Regex.Matches(call.Messages[^1].Text, @"### CoT (\d+):").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        return $"The newer one is right.\n{PromptMarkers.BetterCot} {numbers.Max()}";
    }

    [Fact]
    public void Run_AnswersDiffer_InstructorSelectsAndChosenBecomesBasic()
    {
        var script = new Script { Instruct = PickNewest };
        script.Generated.Enqueue(Chain(4));
        script.Revised.Enqueue(Revision(5));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        var first = result.Iterations[0];
        Assert.Equal((IortInstruction.Select, "4", "5", "5", false, 1), (first.Instruction, first.AnswerBefore, first.ReflectiveAnswer, first.AnswerAfter, first.AnswersAgreed, first.OutputNumber));
        Assert.Equal("The newer one is right.", first.Reason);
        Assert.Equal((IortInstruction.Stop, "5"), (result.Iterations[1].Instruction, result.Iterations[1].AnswerBefore));
        Assert.Equal("5", result.FinalAnswer);
    }

    [Fact]
    public void Run_SelectKeepsBasic_NextReflectionStartsFromBasic()
    {
        var script = new Script { Instruct = c => IsSelect(c) ? $"{PromptMarkers.BetterCot} 0" : PromptMarkers.DecisionStop };
        script.Generated.Enqueue(Chain(4));
        script.Revised.Enqueue(Revision(5));
        script.Revised.Enqueue(Revision(4));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        Assert.Equal(("4", 0), (result.Iterations[0].AnswerAfter, result.Iterations[0].OutputNumber));
        var secondCritique = script.Calls.Where(c => c.Role == IortRole.ReflectorCritique).ElementAt(1);
        Assert.Contains(Chain(4), secondCritique.Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AnswersEqualAndStop_CopiesForwardWithoutCalls()
    {
        var script = new Script();
        script.Generated.Enqueue(Chain(5));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        Assert.Equal([IortInstruction.Stop, IortInstruction.CopiedForward, IortInstruction.CopiedForward, IortInstruction.CopiedForward],
            result.Iterations.Select(i => i.Instruction));
        Assert.All(result.Iterations.Skip(1), i => Assert.Equal((0, "5", 0), (i.Calls.Total, i.AnswerAfter, i.OutputNumber)));
        Assert.Equal(1, result.IterationsRun);
        Assert.Equal(new IortCallCounts(1, 1, 2, 1), result.Calls);
        Assert.Equal(["5", "5", "5", "5", "5"], result.AnswersByIteration);
    }

    [Fact]
    public void Run_AnswersEqualAndRefresh_RegeneratesAndComparesFreshResponseWithoutReflecting()
    {
        var refreshed = false;
        var script = new Script
        {
            Instruct = c =>
            {
                if (IsSelect(c))
                {
                    return $"{PromptMarkers.BetterCot} 2";
                }

                var decision = refreshed ? PromptMarkers.DecisionStop : PromptMarkers.DecisionRefresh;
                refreshed = true;
                return $"Both look wrong.\n{decision}";
            },
        };
        script.Generated.Enqueue(Chain(4));
        script.Generated.Enqueue(Chain(5));
        script.Revised.Enqueue(Revision(4));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        var (first, second, third) = (result.Iterations[0], result.Iterations[1], result.Iterations[2]);
        Assert.Equal((IortInstruction.Refresh, "4", new IortCallCounts(0, 1, 2, 1)), (first.Instruction, first.AnswerAfter, first.Calls));
        Assert.Equal((IortInstruction.Select, "5", 2, null, new IortCallCounts(0, 0, 0, 1)), (second.Instruction, second.ReflectiveAnswer, second.OutputNumber, second.Critique, second.Calls));
        Assert.Equal((IortInstruction.Stop, "5"), (third.Instruction, third.AnswerAfter));
        Assert.Equal("5", result.FinalAnswer);
    }

    [Fact]
    public void Run_RefreshThenReflect_ReflectsFreshResponseBeforeComparing()
    {
        var refreshed = false;
        var script = new Script
        {
            Instruct = c =>
            {
                if (IsSelect(c))
                {
                    return $"{PromptMarkers.BetterCot} 3";
                }

                var decision = refreshed ? PromptMarkers.DecisionStop : PromptMarkers.DecisionRefresh;
                refreshed = true;
                return decision;
            },
        };
        script.Generated.Enqueue(Chain(4));
        script.Generated.Enqueue(Chain(6));
        script.Revised.Enqueue(Revision(4));
        script.Revised.Enqueue(Revision(5));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles, new IortOptions { RefreshThenReflect = true }).Run(Question);

        var second = result.Iterations[1];
        Assert.Equal(("5", 3, new IortCallCounts(0, 0, 2, 1)), (second.ReflectiveAnswer, second.OutputNumber, second.Calls));
        var critiqued = script.Calls.Where(c => c.Role == IortRole.ReflectorCritique).ElementAt(1);
        Assert.Contains(Chain(6), critiqued.Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AlwaysDiffering_StopsAtMaxIterations()
    {
        var script = new Script { Instruct = PickNewest };
        script.Generated.Enqueue(Chain(1));
        for (var i = 2; i < 10; i++)
        {
            script.Revised.Enqueue(Revision(i));
        }

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles, new IortOptions { MaxIterations = 3 }).Run(Question);

        Assert.Equal(3, result.Iterations.Length);
        Assert.All(result.Iterations, i => Assert.Equal(IortInstruction.Select, i.Instruction));
        Assert.Equal("4", result.FinalAnswer);
        Assert.Equal(["1", "2", "3", "4"], result.AnswersByIteration);
    }

    [Fact]
    public void Run_NoGate_Makes14CallsWithThreePerIteration()
    {
        var script = new Script { Instruct = c => $"{PromptMarkers.BetterCot} 0" };
        script.Generated.Enqueue(Chain(5));
        for (var i = 0; i < 4; i++)
        {
            script.Revised.Enqueue(Revision(5));
        }

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles, new IortOptions { ConsistencyGate = false }).Run(Question);

        Assert.Equal(14, result.Calls.Total);
        Assert.Equal(new IortCallCounts(1, 1, 8, 4), result.Calls);
        Assert.All(result.Iterations, i => Assert.Equal((IortInstruction.Select, true, new IortCallCounts(0, 0, 2, 1)), (i.Instruction, i.AnswersAgreed, i.Calls)));
        Assert.Equal(14, script.Calls.Count);
        Assert.Equal(
            [(IortRole.MetaThinker, 0, 0), (IortRole.Generator, 0, 0), (IortRole.ReflectorCritique, 1, 0), (IortRole.ReflectorRevision, 1, 0), (IortRole.Instructor, 1, 0)],
            script.Calls.Take(5).Select(c => (c.Role, c.Iteration, c.Index)));
        Assert.All(script.Calls, c => Assert.Equal(0.3, c.Temperature));
    }

    [Fact]
    public void Run_WithoutMetaThought_SkipsMetaThinkerAndShowsNone()
    {
        var script = new Script();
        script.Generated.Enqueue(Chain(5));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles, new IortOptions { UseMetaThought = false }).Run(Question);

        Assert.Equal(new IortCallCounts(0, 1, 2, 1), result.Calls);
        Assert.Contains(PromptMarkers.NoMetaThought, script.Calls.Single(c => c.Role == IortRole.Instructor).Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("off", result.Settings["use_meta_thought"]);
    }

    [Fact]
    public void Run_RefreshAtLastIteration_SkipsUselessGeneratorCallUnlessSwitched()
    {
        static IortResult RunWith(bool refreshOnLast)
        {
            var script = new Script { Instruct = _ => PromptMarkers.DecisionRefresh };
            for (var i = 0; i < 3; i++)
            {
                script.Generated.Enqueue(Chain(5));
            }

            script.Revised.Enqueue(Revision(5));
            return new IortProcess(PromptTemplates.Defaults, script.Roles, new IortOptions { MaxIterations = 2, RefreshOnLastIteration = refreshOnLast }).Run(Question);
        }

        var skipping = RunWith(false);
        var literal = RunWith(true);

        Assert.Equal((2, 3), (skipping.Calls.Generator, literal.Calls.Generator));
        Assert.Equal([IortInstruction.Refresh, IortInstruction.Refresh], skipping.Iterations.Select(i => i.Instruction));
        Assert.Equal(skipping.FinalAnswer, literal.FinalAnswer);
    }

    [Fact]
    public void Run_UnparsableInstructor_FallsBackAndCountsInvalid()
    {
        var script = new Script { Instruct = c => "I am not sure." };
        script.Generated.Enqueue(Chain(4));
        script.Revised.Enqueue(Revision(5));
        script.Revised.Enqueue(Revision(4));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        Assert.Equal((IortInstruction.Select, "4", 1), (result.Iterations[0].Instruction, result.Iterations[0].AnswerAfter, result.Iterations[0].InvalidOutputs));
        Assert.Equal((IortInstruction.Stop, 1), (result.Iterations[1].Instruction, result.Iterations[1].InvalidOutputs));
        Assert.Equal(2, result.InvalidOutputs);
    }

    [Fact]
    public void Run_UnusableRevision_KeepsAnswerAndCountsInvalid()
    {
        var script = new Script();
        script.Generated.Enqueue(Chain(4));
        script.Revised.Enqueue(PromptMarkers.CannotSolve);

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question);

        Assert.Equal((true, "4", 1), (result.Iterations[0].AnswersAgreed, result.Iterations[0].ReflectiveAnswer, result.InvalidOutputs));
    }

    [Fact]
    public void Run_SharedGrowingMemory_RecordsMetaThoughtAndPolicy()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.SharedGrowing, [new MetaExample("What is one plus one?", "Add them.")]);
        var script = new Script();
        script.Generated.Enqueue(Chain(5));
        script.Revised.Enqueue(Revision(5));

        var result = new IortProcess(PromptTemplates.Defaults, script.Roles).Run(Question, memory);

        Assert.Equal(new MetaExample(Question, "Plan: add the numbers."), memory.Examples[^1]);
        Assert.Equal("shared-growing", result.Settings["meta_memory_policy"]);
        Assert.Contains("Add them.", script.Calls[0].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, true, true)]
    [InlineData(null, null, false, false)]
    [InlineData("5", null, true, false)]
    [InlineData("0.5", "\\frac{1}{2}", true, true)]
    [InlineData("5", "6", true, false)]
    public void Agree_Answers_FollowsGateRules(string? a, string? b, bool missingEqual, bool expected)
    {
        var process = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(_ => string.Empty), new IortOptions { MissingAnswersEqual = missingEqual });

        Assert.Equal(expected, process.Agree(a, b));
    }

    [Fact]
    public void Describe_Defaults_RecordsEverySwitch()
    {
        var settings = IortOptions.Default.Describe();

        Assert.Equal("4", settings["max_iterations"]);
        Assert.Equal("on", settings["consistency_gate"]);
        Assert.Equal("off", settings["refresh_then_reflect"]);
        Assert.Equal("on", settings["missing_answers_equal"]);
        Assert.Equal("stop", settings["invalid_agreement_fallback"]);
        Assert.Equal("math-verify", settings["gate_equivalence"]);
    }
}
