using Agents.Core.Prompts;
using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class SneakyGeneratorPromptTests
{
    private static readonly string[] Types = ["calculation error", "wrong operation"];

    [Fact]
    public void Build_Request_HasSectionsTypesAndInstructionAndRoundTrips()
    {
        var user = Assert.Single(SneakyGeneratorPrompt.Build(PromptTemplates.Defaults, "q", ["a"], "b", Types)).Text;

        Assert.Equal($"## Problem\nq\n\n## Partial Solution\na\n\n## Correct Step\nb\n\n## Error Types\n1. calculation error\n2. wrong operation\n\n{PromptMarkers.SneakyInstruction}", user);
        var read = SneakyGeneratorPrompt.TryRead(user)!;
        Assert.Equal(("q", "a", "b"), (read.Problem, read.PreviousSteps.Single(), read.CorrectStep));
        Assert.Equal(Types, read.ErrorTypes.ToArray());
        Assert.Null(CriticPrompt.TryRead(user));
    }

    [Fact]
    public void Build_NoErrorTypes_Throws()
    {
        Assert.Throws<ArgumentException>(() => SneakyGeneratorPrompt.Build(PromptTemplates.Defaults, "q", [], "b", []));
    }

    [Theory]
    [InlineData("Error Type: calculation error\nPlan: add 2.\nModified Step: 3 + 4 = 9.", AttackParseStatus.Ok, "calculation error", "3 + 4 = 9.")]
    [InlineData("**Error Type 2: Calculation Error**\nModified Step:\n3 + 4 = 9.", AttackParseStatus.Ok, "Calculation Error", "3 + 4 = 9.")]
    [InlineData("Error Type: typo\nModified Step: 3 + 4 = 9.", AttackParseStatus.UnknownErrorType, "typo", "3 + 4 = 9.")]
    [InlineData("Plan: add 2.\nModified Step: 3 + 4 = 9.", AttackParseStatus.MissingErrorType, null, "3 + 4 = 9.")]
    [InlineData("Error Type: wrong operation\nPlan: use minus.", AttackParseStatus.MissingStep, "wrong operation", null)]
    [InlineData("Error Type: wrong operation\nModified Step:   ", AttackParseStatus.MissingStep, "wrong operation", null)]
    [InlineData("Error Type: wrong operation\nModified Step: 3 + 4 = 7.", AttackParseStatus.Unchanged, "wrong operation", "3 + 4 = 7.")]
    [InlineData("", AttackParseStatus.MissingErrorType, null, null)]
    [InlineData(null, AttackParseStatus.MissingErrorType, null, null)]
    public void Parse_Outputs_StatusTypeAndStep(string? output, AttackParseStatus status, string? type, string? step)
    {
        var attack = SneakyGeneratorPrompt.Parse(output, "3 + 4 = 7.", Types);

        Assert.Equal((status, type, step), (attack.Status, attack.ErrorType, attack.ModifiedStep));
        Assert.Equal(status == AttackParseStatus.Ok, attack.IsUsable);
    }
}
