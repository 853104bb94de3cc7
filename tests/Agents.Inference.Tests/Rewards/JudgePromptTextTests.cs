using Agents.Core.Prompts;
using Agents.Inference.Rewards;

namespace Agents.Inference.Tests.Rewards;

/// <summary>The judge's prompt text, byte for byte (recorded before it moved into the <c>judge.*</c> templates).</summary>
public sealed class JudgePromptTextTests
{
    [Fact]
    public void Build_WithSteps_AsksForAScoreLinePerStepAndShowsNumberedSteps()
    {
        var messages = JudgePrompt.Build(PromptTemplates.Defaults, "  Q {{$x}} <b>  ", [" a ", "b & c"], "ignored");

        Assert.Equal(
            "You are a careful grader of step-by-step math solutions. You check every step and never solve the problem yourself.",
            messages[0].Text);
        Assert.Equal(
            "Grade the solution below. It has 2 steps. For each step, give the probability (a number from 0 to 1) that the step is correct, and give the probability that the final answer is correct.\n" +
            "Reply with exactly these lines and nothing else:\nStep 1: SCORE\nStep 2: SCORE\nOverall: SCORE\n\nProblem:\nQ {{$x}} <b>\n\n" +
            "Solution to grade:\n[Step 1]\na\n[Step 2]\nb & c",
            messages[1].Text);
    }

    [Fact]
    public void Build_OutcomeOnly_AsksForTheOverallLineAndShowsTheChain()
    {
        var messages = JudgePrompt.Build(PromptTemplates.Defaults, "Q", null, "  Step 1: 5 \\boxed{5}  ");

        Assert.Equal(
            "Grade the solution below: give the probability (a number from 0 to 1) that its final answer is correct.\n" +
            "Reply with exactly this line and nothing else:\nOverall: SCORE\n\nProblem:\nQ\n\nSolution to grade:\nStep 1: 5 \\boxed{5}",
            messages[1].Text);
    }
}
