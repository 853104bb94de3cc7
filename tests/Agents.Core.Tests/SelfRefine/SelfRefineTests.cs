using Agents.Core.Prompts;
using Agents.Core.SelfRefine;
using Agents.Core.Simulation;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.SelfRefine;

public sealed class SelfRefineTests
{
    private static readonly SelfRefineOptions TwoCalls = SelfRefineOptions.Default with { Form = SelfRefineForm.TwoCalls };

    [Theory]
    [InlineData("Everything looks good. It Is Correct.", true)]
    [InlineData("it is correct", true)]
    [InlineData("I think it is incorrect.", false)]
    [InlineData("it's correct", false)]
    [InlineData("All steps are correct; the solution needs no change.", false)]
    [InlineData(SimulatedModel.WholeSolutionCorrect, true)]
    [InlineData("Step 2 has the lowest score (3/10), yet the step itself is right.", false)]
    [InlineData(null, false)]
    public void ShouldStop_Feedback_OnlyOnPhraseCaseInsensitive(string? feedback, bool stop)
    {
        Assert.Equal(stop, SelfRefineRules.ShouldStop(feedback));
    }

    [Fact]
    public void Run_TwoCallsCorrectAfterOneRewrite_StopsWithHistoryOfOneTurn()
    {
        var prompts = new List<(SelfRefineCall Kind, int Round, IList<ChatMessage> Prompt)>();
        var result = SelfRefineProcess.Run(PromptTemplates.Defaults, "What is 1 + 1?", TwoCalls, (prompt, kind, round) =>
        {
            prompts.Add((kind, round, prompt));
            return (kind, round) switch
            {
                (SelfRefineCall.Initial, _) => "Step 1: 1 + 1 = 3.\nThe answer is \\boxed{3}.",
                (SelfRefineCall.Feedback, 1) => "Step 1 is wrong: 1 + 1 = 2.",
                (SelfRefineCall.Refine, 1) => "Step 1: 1 + 1 = 2.\nThe answer is \\boxed{2}.",
                _ => "Everything looks good; it is correct.",
            };
        });

        Assert.True(result.StoppedByFeedback);
        Assert.Equal(4, result.Calls);
        Assert.Equal("2", result.Answer);
        Assert.Equal(new SelfRefineTurn("Step 1: 1 + 1 = 3.\nThe answer is \\boxed{3}.", "Step 1 is wrong: 1 + 1 = 2.", "Step 1: 1 + 1 = 2.\nThe answer is \\boxed{2}."), Assert.Single(result.History));
        var secondFeedback = string.Join("\n", prompts.Single(p => p is { Kind: SelfRefineCall.Feedback, Round: 2 }).Prompt.Select(m => m.Text));
        Assert.Contains("1 + 1 = 3", secondFeedback, StringComparison.Ordinal);
        Assert.Contains("Step 1 is wrong: 1 + 1 = 2.", secondFeedback, StringComparison.Ordinal);
        Assert.EndsWith($"{PromptMarkers.CurrentSolution}\nStep 1: 1 + 1 = 2.\nThe answer is \\boxed{{2}}.\n### Feedback:", secondFeedback, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TwoCallsNeverCorrect_StopsAfterMaxAttempts()
    {
        var result = SelfRefineProcess.Run(PromptTemplates.Defaults, "q", TwoCalls, (_, kind, round) =>
            kind == SelfRefineCall.Feedback ? "Step 1 is wrong." : $"Step 1: try {round}.\nThe answer is \\boxed{{{round}}}.");

        Assert.False(result.StoppedByFeedback);
        Assert.Equal(1 + (2 * 4), result.Calls);
        Assert.Equal(4, result.History.Length);
        Assert.Equal("4", result.Answer);
        Assert.Equal(result.History[2].Rewrite, result.History[3].Solution);
    }

    [Fact]
    public void Defaults_OfficialLoop_OneCallGreedy300Then600AtT07()
    {
        var options = SelfRefineOptions.Default;

        Assert.Equal((SelfRefineForm.OneCall, 0.0, 300, 0.7, 600, 4), (options.Form, options.InitialTemperature, options.InitialMaxTokens, options.FeedbackTemperature, options.FeedbackMaxTokens, options.MaxAttempts));
        Assert.Equal(SelfRefineForm.TwoCalls, SelfRefineOptions.ParseForm("two-call"));
        Assert.Equal("one-call", SelfRefineOptions.FormName(SelfRefineOptions.ParseForm(null)));
        Assert.Throws<ArgumentException>(() => SelfRefineOptions.ParseForm("three-call"));
    }

    [Fact]
    public void Run_OneCallCorrectAfterOneRewrite_OneCallPerRoundAndHistoryGrows()
    {
        var prompts = new List<(SelfRefineCall Kind, int Round, IList<ChatMessage> Prompt)>();
        var result = SelfRefineProcess.Run(PromptTemplates.Defaults, "What is 1 + 1?", SelfRefineOptions.Default, (prompt, kind, round) =>
        {
            prompts.Add((kind, round, prompt));
            return (kind, round) switch
            {
                (SelfRefineCall.Initial, _) => "Step 1: 1 + 1 = 3.\nThe answer is \\boxed{3}.",
                (SelfRefineCall.FeedbackAndRewrite, 1) => "Step 1 is wrong: 1 + 1 = 2.\n\n### Revised Solution:\nStep 1: 1 + 1 = 2.\nThe answer is \\boxed{2}.",
                _ => "Everything looks good; it is correct.",
            };
        });

        // Two-call form: 1 + 2 (round 1) + 1 (round 2) = 4 calls; one call per round: 1 + 1 + 1.
        Assert.True(result.StoppedByFeedback);
        Assert.Equal(3, result.Calls);
        Assert.Equal([SelfRefineCall.Initial, SelfRefineCall.FeedbackAndRewrite, SelfRefineCall.FeedbackAndRewrite], prompts.Select(p => p.Kind));
        Assert.Equal("2", result.Answer);
        Assert.Equal(new SelfRefineTurn("Step 1: 1 + 1 = 3.\nThe answer is \\boxed{3}.", "Step 1 is wrong: 1 + 1 = 2.", "Step 1: 1 + 1 = 2.\nThe answer is \\boxed{2}."), Assert.Single(result.History));
        var second = prompts[2].Prompt;
        Assert.Equal(5, second.Count); // system, round 1's exchange (few-shot), the current solution, the feedback prefill
        Assert.Contains("1 + 1 = 3", second[1].Text, StringComparison.Ordinal);
        Assert.Equal("### Feedback:\nStep 1 is wrong: 1 + 1 = 2.\n\n### Revised Solution:\nStep 1: 1 + 1 = 2.\nThe answer is \\boxed{2}.", second[2].Text);
        Assert.StartsWith(PromptMarkers.FeedbackThenRewrite, second[3].Text, StringComparison.Ordinal);
        Assert.Equal("### Feedback:", second[4].Text);
    }

    [Fact]
    public void Run_OneCallNeverCorrect_HalfTheCallsOfTwoCalls()
    {
        static string Reply(SelfRefineCall kind, int round) => kind switch
        {
            SelfRefineCall.Feedback => "Step 1 is wrong.",
            SelfRefineCall.FeedbackAndRewrite => $"Step 1 is wrong.\n### Revised Solution:\nStep 1: try {round}.\nThe answer is \\boxed{{{round}}}.",
            _ => $"Step 1: try {round}.\nThe answer is \\boxed{{{round}}}.",
        };

        var one = SelfRefineProcess.Run(PromptTemplates.Defaults, "q", SelfRefineOptions.Default, (_, kind, round) => Reply(kind, round));
        var two = SelfRefineProcess.Run(PromptTemplates.Defaults, "q", TwoCalls, (_, kind, round) => Reply(kind, round));

        Assert.Equal((1 + 4, 1 + (2 * 4)), (one.Calls, two.Calls));
        Assert.Equal(two.History.AsEnumerable(), one.History.AsEnumerable());
        Assert.Equal("4", one.Answer);
    }

    [Fact]
    public void Parse_ReplyWithoutRewrite_FeedbackOnly()
    {
        Assert.Equal(new SelfRefineReply("Looks fine to me.", null), SelfRefineReply.Parse("Looks fine to me."));
        Assert.Equal("Step 1: x.\nThe answer is \\boxed{1}.", SelfRefineReply.Parse("bad\n### Revised Solution:\nStep 1: x.\nThe answer is \\boxed{1}.").Rewrite);
    }

    [Fact]
    public void Complete_SimulatedModelOneCallPrompt_FeedbackThenTheRewriteItsFeedbackAsksFor()
    {
        var model = new SimulatedModel();
        var problem = SyntheticProblems.GenerateOne(5, 2, 6, 6);
        var correct = model.Solve(problem.Question, 0, 1);
        var wrong = System.Text.RegularExpressions.Regex.Replace(correct, @"\\boxed\{([^}]*)\}", "\\boxed{-1}");

        var replies = Enumerable.Range(0, 20).Select(seed => (Seed: seed, Reply: SelfRefineReply.Parse(
            model.Complete([.. SelfRefinePrompt.BuildCombined(PromptTemplates.Defaults, problem.Question, [new SelfRefineTurn("Step 1: x.", "f", correct)], wrong)], 0.7, seed)))).ToList();

        var rewritten = replies.Where(r => r.Reply.Rewrite is not null).ToList();
        Assert.NotEmpty(rewritten);
        Assert.All(rewritten, r =>
        {
            Assert.Equal(model.SelfReview(problem.Question, wrong, 0.7, r.Seed).Trim(), r.Reply.Feedback);
            Assert.Equal(model.Refine(problem.Question, wrong, 0.7, r.Seed, r.Reply.Feedback).Trim(), r.Reply.Rewrite);
        });
        Assert.All(replies.Except(rewritten), r => Assert.True(SelfRefineRules.ShouldStop(r.Reply.Feedback)));
    }

    [Fact]
    public void BuildRefine_History_EveryTurnReplayedBeforeTheTarget()
    {
        var history = new[] { new SelfRefineTurn("s0", "f0", "s1"), new SelfRefineTurn("s1", "f1", "s2") };

        var messages = SelfRefinePrompt.BuildRefine(PromptTemplates.Defaults, "q", history, "s2", "f2");

        Assert.Equal(1 + (2 * 2) + 2, messages.Count);
        Assert.Contains("### Revised Solution:\ns1", messages[2].Text, StringComparison.Ordinal);
        Assert.EndsWith($"{PromptMarkers.TeacherFeedback}\nf2", messages[^2].Text, StringComparison.Ordinal);
        Assert.Equal("### Revised Solution:", messages[^1].Text);
    }

    [Fact]
    public void FinalAnswer_SeveralRuns_MajorityOfNonEmptyTiesToFirst()
    {
        Assert.Equal("3", SelfRefineRules.FinalAnswer(["2", "3", "3", null, null, null]));
        Assert.Equal("2", SelfRefineRules.FinalAnswer(["2", "3"]));
        Assert.Null(SelfRefineRules.FinalAnswer([null]));
    }

    [Fact]
    public void Run_SimulatedModel_AnswersFeedbackAndRefinePrompts()
    {
        var model = new SimulatedModel();
        var problem = SyntheticProblems.GenerateOne(3, 1, 4, 4);

        var result = SelfRefineProcess.Run(PromptTemplates.Defaults, problem.Question, SelfRefineOptions.Default, (prompt, kind, round) =>
            model.Complete([.. prompt], kind == SelfRefineCall.Initial ? 0 : 0.7, round));

        Assert.All(result.History, t => Assert.DoesNotContain(PromptMarkers.CannotSolve, t.Feedback, StringComparison.Ordinal));
        Assert.NotNull(result.Answer);
    }
}
