using Agents.Core.Prompts;
using Agents.Core.SelfPlay;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.SelfPlay;

public sealed class CriticPromptTests
{
    [Fact]
    public void Build_WithPreviousSteps_ExactSectionsJoinedByBlankLine()
    {
        var messages = CriticPrompt.Build(PromptTemplates.Defaults, " What is 2 + 3 * 4? ", ["3 * 4 = 12.", "Then 2 + 12."], "= 14.");

        Assert.Equal(2, messages.Count);
        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.Equal(PromptMarkers.CriticInstruction, messages[0].Text);
        Assert.Contains("<Answer>Correct</Answer>", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("<Answer>Incorrect</Answer>", messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("## Problem\nWhat is 2 + 3 * 4?\n\n## Partial Solution\n3 * 4 = 12.\n\nThen 2 + 12.\n\n## Last Step\n= 14.", messages[1].Text);
    }

    [Fact]
    public void UserMessage_FirstStep_UsesPlaceholder()
    {
        Assert.Equal("## Problem\nq\n\n## Partial Solution\nLet's solve this problem.\n\n## Last Step\ns", CriticPrompt.UserMessage("q", [], "s"));
    }

    [Fact]
    public void TryRead_BuiltMessage_RoundTrips()
    {
        var read = CriticPrompt.TryRead(CriticPrompt.UserMessage("q", ["a", "b"], "c"));
        var first = CriticPrompt.TryRead(CriticPrompt.UserMessage("q", [], "c"));

        Assert.NotNull(read);
        Assert.Equal(("q", "c"), (read.Problem, read.LastStep));
        Assert.Equal(["a", "b"], read.PreviousSteps.ToArray());
        Assert.Empty(first!.PreviousSteps);
        Assert.Null(CriticPrompt.TryRead("### Question:\nq"));
        Assert.Null(CriticPrompt.TryRead(null));
    }

    [Theory]
    [InlineData("The correctness of the last step is <Answer>Incorrect</Answer>.", CriticVerdict.Incorrect)]
    [InlineData("... <Answer>Correct</Answer>", CriticVerdict.Correct)]
    [InlineData("<Answer> correct </Answer>", CriticVerdict.Correct)]
    [InlineData("<Answer>INCORRECT</Answer>", CriticVerdict.Incorrect)]
    [InlineData("<Answer>Correct</Answer> then <Answer>Incorrect</Answer>", CriticVerdict.Correct)]
    [InlineData("<Answer>Partially correct</Answer>", CriticVerdict.Invalid)]
    [InlineData("<Answer>Correct", CriticVerdict.Invalid)]
    [InlineData("Correct</Answer>", CriticVerdict.Invalid)]
    [InlineData("<answer>Correct</answer>", CriticVerdict.Invalid)]
    [InlineData("The step is correct.", CriticVerdict.Invalid)]
    [InlineData("", CriticVerdict.Invalid)]
    [InlineData(null, CriticVerdict.Invalid)]
    public void Parse_Outputs_FirstTagOrInvalid(string? output, CriticVerdict expected)
    {
        Assert.Equal(expected, CriticPrompt.Parse(output));
    }

    [Fact]
    public void Label_Verdicts_PlusMinusOneOrZero()
    {
        Assert.Equal((1, -1, 0), (CriticPrompt.Label(CriticVerdict.Correct), CriticPrompt.Label(CriticVerdict.Incorrect), CriticPrompt.Label(CriticVerdict.Invalid)));
    }
}
