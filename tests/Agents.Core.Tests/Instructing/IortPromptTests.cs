using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Instructing;

public sealed class IortPromptTests
{
    private const string Question = "Mia has 3 apples. Then Mia buys 2 more apples. How many apples does Mia have now?";

    [Fact]
    public void MetaThinkerBuild_Examples_WritesPairsThenEmptyHeading()
    {
        var messages = MetaThinkerPrompt.Build(PromptTemplates.Defaults, Question, [new MetaExample("Q1", "M1"), new MetaExample("Q2", "M2")]);

        Assert.Equal((ChatRole.System, PromptMarkers.MetaThinkerInstruction), (messages[0].Role, messages[0].Text));
        var user = messages[1].Text;
        Assert.True(user.IndexOf("M1", StringComparison.Ordinal) < user.IndexOf("Q2", StringComparison.Ordinal));
        Assert.EndsWith($"{Question}\n{PromptMarkers.MetaThought}\n", user, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Add the gains, then subtract the losses.", "Add the gains, then subtract the losses.", true)]
    [InlineData("Meta-thought: Add them up.", "Add them up.", true)]
    [InlineData("### Meta-Thought:\nAdd them.\n### Question:\nNext?", "Add them.", true)]
    [InlineData("", "", false)]
    [InlineData("   ", "", false)]
    [InlineData(null, "", false)]
    [InlineData(PromptMarkers.CannotSolve, "", false)]
    [InlineData("Add them; the answer is \\boxed{5}.", "", false)]
    public void MetaThinkerParse_Outputs_TotalAndFlagged(string? text, string expected, bool valid)
    {
        Assert.Equal(new MetaThought(expected, valid), MetaThinkerPrompt.Parse(text));
    }

    [Fact]
    public void GeneratorBuild_Examples_EndsWithSolverPrompt()
    {
        var messages = GeneratorPrompt.Build(PromptTemplates.Defaults, Question, [("Q1", "Step 1: a\nThe answer is \\boxed{1}.")]);

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal(Question, SolverPrompt.TryReadQuestion(messages[^1].Text));
    }

    [Fact]
    public void ReflectorBuildRevision_CarriesCritiqueAsAssistantTurn()
    {
        var messages = ReflectorPrompt.BuildRevision(PromptTemplates.Defaults, Question, "Step 1: 3 + 2 = 6.", "Step 1 is wrong.");

        Assert.EndsWith(PromptMarkers.CritiqueRequest, messages[0].Text, StringComparison.Ordinal);
        Assert.Equal((ChatRole.Assistant, "Step 1 is wrong."), (messages[1].Role, messages[1].Text));
        Assert.Equal(PromptMarkers.ReviseInstruction, messages[2].Text);
    }

    [Theory]
    [InlineData("Step 2 is wrong.\nHere's the better answer:\nStep 1: 5.", "Step 2 is wrong.", "Step 1: 5.")]
    [InlineData("Looks fine.", "Looks fine.", null)]
    [InlineData("Critique.\nhere's the better answer:   ", "Critique.", null)]
    [InlineData("A\nHere's the better answer: x\nB\nHere's the better answer: y", "A\nHere's the better answer: x\nB", "y")]
    [InlineData(null, "", null)]
    public void ReflectorParse_Outputs_SplitsAtLastLead(string? text, string critique, string? revision)
    {
        Assert.Equal(new Reflection(critique, revision), ReflectorPrompt.Parse(text));
    }

    [Theory]
    [InlineData("Here's the better answer:\nStep 1: 5.", "Step 1: 5.")]
    [InlineData("Step 1: 5.", "Step 1: 5.")]
    [InlineData("", null)]
    [InlineData(PromptMarkers.CannotSolve, null)]
    [InlineData("Here's the better answer:", null)]
    public void ReflectorParseRevision_Outputs_LeadOptional(string? text, string? expected)
    {
        Assert.Equal(expected, ReflectorPrompt.ParseRevision(text));
    }

    [Fact]
    public void InstructorBuild_NumbersResponsesAndShowsMetaThought()
    {
        var select = InstructorPrompt.BuildSelect(PromptTemplates.Defaults, Question, "Add.", new NumberedResponse(0, "A"), new NumberedResponse(3, "B"))[0].Text;
        var agree = InstructorPrompt.BuildAgreement(PromptTemplates.Defaults, Question, null, new NumberedResponse(0, "A"), new NumberedResponse(1, "B"))[0].Text;

        Assert.Contains("### CoT 0:\nA\n\n### CoT 3:\nB", select, StringComparison.Ordinal);
        Assert.Contains($"{PromptMarkers.MetaThought}\nAdd.", select, StringComparison.Ordinal);
        Assert.EndsWith(PromptMarkers.InstructorSelectInstruction, select, StringComparison.Ordinal);
        Assert.Contains($"{PromptMarkers.MetaThought}\n{PromptMarkers.NoMetaThought}", agree, StringComparison.Ordinal);
        Assert.EndsWith(PromptMarkers.InstructorAgreementInstruction, agree, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CoT 3 is right.\nBetter COT after comparison: COT 3", 3, "CoT 3 is right.", true)]
    [InlineData("better cot after comparison: cot 0.", 0, "", true)]
    [InlineData("Better Code after comparison: Code 3", 3, "", true)]
    [InlineData("Better COT after comparison: COT 3\nBetter COT after comparison: COT 0", 0, "Better COT after comparison: COT 3", true)]
    [InlineData("Better COT after comparison: COT 7", null, "Better COT after comparison: COT 7", false)]
    [InlineData("Better COT after comparison: COT", null, "Better COT after comparison: COT", false)]
    [InlineData("I prefer the second.", null, "I prefer the second.", false)]
    [InlineData("", null, "", false)]
    [InlineData(null, null, "", false)]
    [InlineData("Better COT after comparison: COT 99999999999999", null, "Better COT after comparison: COT 99999999999999", false)]
    public void InstructorParseSelect_Outputs_Total(string? text, int? chosen, string reason, bool valid)
    {
        Assert.Equal(new InstructorDecision(IortInstruction.Select, chosen, reason, valid), InstructorPrompt.ParseSelect(text, 0, 3));
    }

    [Theory]
    [InlineData("Sound.\nDecision: Stop iteration.", IortInstruction.Stop, "Sound.", true)]
    [InlineData("Wrong.\nDecision: Refreshing the response.", IortInstruction.Refresh, "Wrong.", true)]
    [InlineData("decision: refresh", IortInstruction.Refresh, "", true)]
    [InlineData("Decision: Stop iteration.\nDecision: Refreshing the response.", IortInstruction.Refresh, "Decision: Stop iteration.", true)]
    [InlineData("Decision: stop or refresh?", IortInstruction.Stop, "Decision: stop or refresh?", false)]
    [InlineData("Decision: continue", IortInstruction.Stop, "Decision: continue", false)]
    [InlineData("No decision here.", IortInstruction.Stop, "No decision here.", false)]
    [InlineData(null, IortInstruction.Stop, "", false)]
    public void InstructorParseAgreement_Outputs_Total(string? text, IortInstruction instruction, string reason, bool valid)
    {
        Assert.Equal(new InstructorDecision(instruction, null, reason, valid), InstructorPrompt.ParseAgreement(text));
    }
}
