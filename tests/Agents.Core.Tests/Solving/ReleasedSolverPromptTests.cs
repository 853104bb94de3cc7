using Agents.Core.Magicore;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Solving;

/// <summary>MAgICoRe code mode's solver prompt is the released one (docs/algorithms.md §1.5), and how a prefill's fate is read.</summary>
public sealed class ReleasedSolverPromptTests
{
    [Fact]
    public void BuildReleased_QuestionThenReleasedSentence_AssistantPrefilledStep1()
    {
        var messages = SolverPrompt.BuildReleased("  What is 2 + 3?\n");

        Assert.Collection(
            messages,
            m =>
            {
                Assert.Equal(ChatRole.User, m.Role);
                Assert.Equal("What is 2 + 3? Place your answer in \\boxed{}.", m.Text);
            },
            m =>
            {
                Assert.Equal(ChatRole.Assistant, m.Role);
                Assert.Equal("Step 1:", m.Text);
            });
        Assert.Equal("What is 2 + 3?", SolverPrompt.TryReadQuestion(messages[0].Text));
    }

    [Fact]
    public void Build_StyleSelectsPrompt_ProjectByDefault()
    {
        Assert.Single(SolverPrompt.Build(PromptTemplates.Defaults, "q", ""));
        Assert.Single(SolverPrompt.Build(PromptTemplates.Defaults, "q", SolverPromptStyles.Project));
        Assert.Equal(2, SolverPrompt.Build(PromptTemplates.Defaults, "q", SolverPromptStyles.Released).Count);
    }

    [Fact]
    public void Presets_CodeModeSendsReleasedPromptAndMinTokens_PaperModeUnchanged()
    {
        Assert.True(MagicoreOptions.Code.ReleasedSolverPrompt);
        Assert.Equal(50, MagicoreOptions.Code.MinTokens);
        Assert.False(MagicoreOptions.Paper.ReleasedSolverPrompt);
        Assert.Equal(0, MagicoreOptions.Paper.MinTokens);
        Assert.Equal("released", MagicoreOptions.Code.Switches()["solver_prompt"]);
        Assert.Equal("project", MagicoreOptions.Paper.Switches()["solver_prompt"]);
    }

    [Fact]
    public void SimulatedModel_ReleasedPrompt_ContinuesAfterStep1()
    {
        var model = new SimulatedModel();
        var question = SyntheticProblems.GenerateOne(5, 0, 6, 6).Question;

        var continuation = model.Complete([.. SolverPrompt.BuildReleased(question)], 0.8, 9);

        Assert.DoesNotContain("Step 1:", continuation, StringComparison.Ordinal);
        Assert.Equal(model.Solve(question, 0.8, 9), Prefill.Join(SolverPrompt.ReleasedPrefill, continuation));
        Assert.Equal(6, SolutionParser.Parse(Prefill.Join(SolverPrompt.ReleasedPrefill, continuation)).Steps.Length);
    }

    [Theory]
    [InlineData(null, " 3 + 4 = 7.", "continued")]
    [InlineData("sent", " 3 + 4 = 7.", "continued")]
    [InlineData("sent", "Step 1: 3 + 4 = 7.", "restarted")]
    [InlineData(null, "\n Step 1: 3 + 4 = 7.", "restarted")]
    [InlineData("refused", "Step 1: 3 + 4 = 7.", "refused")]
    [InlineData("prefilled", " 3 + 4 = 7.", "prefilled")]
    public void Classify_BackendReportAndReply_Outcome(string? report, string reply, string expected)
    {
        Assert.Equal(expected, Prefill.Classify(report, "Step 1:", reply));
    }

    [Fact]
    public void Join_PrependsPrefixUnlessTheReplyRepeatsIt()
    {
        Assert.Equal("Step 1: a", Prefill.Join("Step 1:", " a"));
        Assert.Equal("Step 1: a", Prefill.Join("Step 1:", "  Step 1: a"));
    }

    [Fact]
    public void Summarize_AllSameOrMixedInNameOrder()
    {
        Assert.Equal("continued", Prefill.Summarize(["continued", "continued"]));
        Assert.Equal("mixed(continued=2,restarted=1)", Prefill.Summarize(["restarted", "continued", "continued"]));
        Assert.Equal("none", Prefill.Summarize([]));
    }
}
