using Agents.Core.Prompts;
using Agents.Core.Refining;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Magicore;

public sealed class RefiningPromptTests
{
    private const string Question = "Mia has 12 apples. How many?";
    private const string Annotated = "Step 1: 12 + 5 = 17. (Score: 9/10)\nStep 2: 17 - 2 = 14. (Score: 2/10)\n";

    [Fact]
    public void ReviewerBuild_Prefill_TargetBlockThenExactPrefix()
    {
        var messages = ReviewerPrompt.Build(PromptTemplates.Defaults, Question, Annotated);

        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.Contains("lower than 6", messages[0].Text, StringComparison.Ordinal);
        Assert.Equal($"{PromptMarkers.Question}\n{Question}\n\n{PromptMarkers.CurrentSolution}\n{Annotated.TrimEnd()}", messages[^2].Text);
        Assert.Equal(ChatRole.Assistant, messages[^1].Role);
        Assert.Equal("### Feedback:\nLet's review the steps with lower scores and identify the errors.", messages[^1].Text);
        Assert.DoesNotContain(PromptMarkers.TeacherFeedback, string.Join("\n", messages.Select(m => m.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void ReviewerBuild_InstructionStyle_NoTrailingAssistantAndPrefixAskedFor()
    {
        var messages = ReviewerPrompt.Build(PromptTemplates.Defaults, Question, Annotated, PrefixStyle.Instruction);

        Assert.Equal(ChatRole.User, messages[^1].Role);
        Assert.EndsWith(ReviewerPrompt.Prefix, messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReviewerBuild_InContextExample_PrecedesTarget()
    {
        var messages = ReviewerPrompt.Build(PromptTemplates.Defaults, Question, Annotated);

        Assert.Equal(5, messages.Count);
        Assert.Contains("(Score: 3/10)", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("the low score of 3 suggests an error", messages[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RefinerBuild_Prefill_FeedbackAfterScoredSolutionThenHeadingAndAnnouncement()
    {
        var messages = RefinerPrompt.Build(PromptTemplates.Defaults, Question, Annotated, "Step 2 is wrong.");

        var target = messages[^2].Text;
        Assert.True(target.IndexOf(PromptMarkers.CurrentSolution, StringComparison.Ordinal) < target.IndexOf(PromptMarkers.TeacherFeedback, StringComparison.Ordinal));
        Assert.EndsWith($"{PromptMarkers.TeacherFeedback}\nStep 2 is wrong.", target, StringComparison.Ordinal);
        Assert.Contains("(Score: 2/10)", target, StringComparison.Ordinal);
        Assert.Equal($"### Revised Solution:\n{RefinerPrompt.Announcement}", messages[^1].Text);
        Assert.DoesNotContain(PromptTemplates.Defaults.Text("refiner.multiple-choice"), messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RefinerBuild_MultipleChoiceLine_InInstruction()
    {
        var messages = RefinerPrompt.Build(PromptTemplates.Defaults, Question, Annotated, "fb", multipleChoiceLine: true);

        Assert.Contains(PromptTemplates.Defaults.Text("refiner.multiple-choice"), messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReviewParse_EchoedHeadingAndPrefix_Stripped()
    {
        var review = ReviewParser.Parse($"### Feedback:\n{ReviewerPrompt.Prefix}\nStep 2 is incorrect.\n### Question:\nnext");

        Assert.Equal("Step 2 is incorrect.", review.Feedback);
        Assert.False(review.Flagged);
    }

    [Theory]
    [InlineData("", ReviewIssue.Empty)]
    [InlineData("   ", ReviewIssue.Empty)]
    [InlineData("Let's review the steps with lower scores and identify the errors.", ReviewIssue.Empty)]
    [InlineData(PromptMarkers.CannotSolve, ReviewIssue.Refused)]
    [InlineData("@@@ ### !!! 12 \uFFFD", ReviewIssue.Garbled)]
    [InlineData("$$ {} [] ## !!! ?? a", ReviewIssue.Garbled)]
    [InlineData("Step 1 is wrong; the answer is \\boxed{3}.", ReviewIssue.WroteSolution)]
    public void ReviewParse_BadReplies_Flagged(string reply, ReviewIssue issue)
    {
        var review = ReviewParser.Parse(reply);

        Assert.Equal(issue, review.Issue);
        Assert.True(review.Flagged);
        Assert.Equal(issue == ReviewIssue.WroteSolution, review.Usable);
    }

    [Fact]
    public void RefinementParse_EchoedPrefixAndCopiedScores_Removed()
    {
        var reply = $"### Revised Solution:\n{RefinerPrompt.Announcement}\nStep 1: 12 + 5 = 17. (Score: 9/10)\nStep 2: 17 - 2 = 15.\nThe answer is \\boxed{{15}}.\n\n### Question:\nmore";

        var solution = RefinementParser.Parse(reply);

        Assert.Equal("Step 1: 12 + 5 = 17.\nStep 2: 17 - 2 = 15.\nThe answer is \\boxed{15}.", solution.Text);
        Assert.Equal("15", solution.Answer);
        Assert.Equal(2, solution.Steps.Length);
    }

    [Fact]
    public void RefinementParse_ContinuationOnlySecondSentenceEchoed_Removed()
    {
        var second = RefinerPrompt.Announcement[(RefinerPrompt.Announcement.IndexOf(". ", StringComparison.Ordinal) + 2)..];

        Assert.Equal("Step 1: 1 + 1 = 2.", RefinementParser.Clean($"{second}\nStep 1: 1 + 1 = 2."));
    }
}
