using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class CriticGuidedSearchTests
{
    [Theory]
    [InlineData(CriticVerdict.Correct, 3, 0, SearchDecision.Accept)]
    [InlineData(CriticVerdict.Invalid, 0, 0, SearchDecision.Accept)]
    [InlineData(CriticVerdict.Incorrect, 0, 0, SearchDecision.Resample)]
    [InlineData(CriticVerdict.Incorrect, 2, 9, SearchDecision.Resample)]
    [InlineData(CriticVerdict.Incorrect, 3, 0, SearchDecision.AcceptExhausted)]
    public void Decide_Defaults_AcceptOrResampleWithinBudget(CriticVerdict verdict, int thisStep, int total, SearchDecision expected)
    {
        Assert.Equal(expected, CriticGuidedSearch.Decide(verdict, thisStep, total));
    }

    [Fact]
    public void Decide_Switches_GiveUpTotalBudgetAndInvalidAsReject()
    {
        var options = SpcSearchOptions.Default with { OnExhausted = ExhaustedAction.GiveUp, MaxTotalResamples = 2, RejectOnInvalidVerdict = true };

        Assert.Equal(SearchDecision.GiveUp, CriticGuidedSearch.Decide(CriticVerdict.Incorrect, 0, 2, options));
        Assert.Equal(SearchDecision.Resample, CriticGuidedSearch.Decide(CriticVerdict.Invalid, 0, 1, options));
    }

    [Fact]
    public void Run_RejectedStepResampled_AcceptsFixAndCountsCalls()
    {
        // Step 2 is wrong on the first two attempts; the critic rejects wrong steps.
        var chain = CriticGuidedSearch.Run(
            (steps, attempt) => steps.Count switch
            {
                0 => new StepProposal("1 + 1 = 2.", false),
                1 => new StepProposal(attempt < 2 ? "2 * 3 = 7." : "2 * 3 = 6.", false),
                _ => new StepProposal("The answer is \\boxed{6}.", true),
            },
            (_, step) => step.Contains('7', StringComparison.Ordinal) ? CriticVerdict.Incorrect : CriticVerdict.Correct);

        Assert.Equal(["1 + 1 = 2.", "2 * 3 = 6.", "The answer is \\boxed{6}."], chain.Steps.ToArray());
        Assert.Equal("6", chain.Answer);
        Assert.False(chain.GaveUp);
        Assert.Equal((5, 5, 2), (chain.SolverCalls, chain.CriticCalls, chain.Rejections));
        Assert.Equal([SearchDecision.Accept, SearchDecision.Resample, SearchDecision.Resample, SearchDecision.Accept, SearchDecision.Accept], chain.Decisions.ToArray());
    }

    [Fact]
    public void Run_AlwaysRejected_AcceptsLastOrGivesUp()
    {
        StepProposal Propose(IReadOnlyList<string> steps, int attempt) => new($"try {attempt} \\boxed{{{attempt}}}", true);
        static CriticVerdict Reject(IReadOnlyList<string> steps, string step) => CriticVerdict.Incorrect;

        var accepted = CriticGuidedSearch.Run(Propose, Reject, SpcSearchOptions.Default with { MaxResamplesPerStep = 2 });
        var givenUp = CriticGuidedSearch.Run(Propose, Reject, SpcSearchOptions.Default with { MaxResamplesPerStep = 2, OnExhausted = ExhaustedAction.GiveUp });

        Assert.Equal(("2", false, 3), (accepted.Answer, accepted.GaveUp, accepted.SolverCalls));
        Assert.Equal(SearchDecision.AcceptExhausted, accepted.Decisions[^1]);
        Assert.Equal((null, true, 3), (givenUp.Answer, givenUp.GaveUp, givenUp.SolverCalls));
        Assert.Empty(givenUp.Steps);
    }

    [Fact]
    public void Run_NeverFinal_StopsAtMaxSteps()
    {
        var chain = CriticGuidedSearch.Run((steps, _) => new StepProposal($"s{steps.Count}", false), (_, _) => CriticVerdict.Correct, SpcSearchOptions.Default with { MaxSteps = 4 });

        Assert.Equal(4, chain.Steps.Length);
        Assert.Null(chain.Answer);
    }

    [Fact]
    public void RunWithVoting_ThreeChains_MajorityAnswer()
    {
        var result = CriticGuidedSearch.RunWithVoting(
            (k, _, _) => new StepProposal(k == 1 ? "\\boxed{5}" : "\\boxed{4}", true),
            (_, _, _) => CriticVerdict.Correct,
            SpcSearchOptions.Default with { Samples = 3 });

        Assert.Equal("4", result.Answer);
        Assert.Equal((3, 3), (result.SolverCalls, result.CriticCalls));
    }
}
