using System.Collections.Immutable;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.SelfPlay;
using Agents.Core.Strategies;

namespace Agents.Core.Tests.SelfPlay;

/// <summary>The pieces spc-search and critic-eval add to the SPC core: the async driver, the next-step parser, the spec's budgets and synthetic ProcessBench items.</summary>
public sealed class SpcSearchPartsTests
{
    [Fact]
    public async Task RunAsync_SameStateMachineAsRun_AndReportsEveryDecisionWithItsAttempt()
    {
        var options = SpcSearchOptions.Default with { MaxResamplesPerStep = 1 };
        StepProposal Propose(IReadOnlyList<string> steps, int attempt) => steps.Count switch
        {
            0 => new StepProposal("2 + 2 = 5.", false),
            _ => new StepProposal("The answer is \\boxed{5}.", true),
        };
        CriticVerdict Judge(IReadOnlyList<string> steps, string step) => step.Contains('5', StringComparison.Ordinal) && steps.Count == 0 ? CriticVerdict.Incorrect : CriticVerdict.Correct;
        var seen = new List<SearchStepDecision>();

        var sync = CriticGuidedSearch.Run(Propose, Judge, options);
        var async = await CriticGuidedSearch.RunAsync(
            (s, a, _) => Task.FromResult(Propose(s, a)), (s, step, _, _) => Task.FromResult(Judge(s, step)), options, seen.Add);

        Assert.Equal(sync.Decisions.ToArray(), async.Decisions.ToArray());
        Assert.Equal(sync.Steps.ToArray(), async.Steps.ToArray());
        Assert.Equal("5", async.Answer);
        Assert.Equal([SearchDecision.Resample, SearchDecision.AcceptExhausted, SearchDecision.Accept], seen.Select(d => d.Decision));
        Assert.Equal([(0, 0), (0, 1), (1, 0)], seen.Select(d => (d.StepIndex, d.Attempt)));
    }

    [Theory]
    [InlineData("Step 3: Mia has 4 + 2 = 6 apples.", "Mia has 4 + 2 = 6 apples.", false)]
    [InlineData("Step 4: 6 * 2 = 12. The answer is \\boxed{12}.", "6 * 2 = 12. The answer is \\boxed{12}.", true)]
    [InlineData("Step 1: 1 + 1 = 2.\nStep 2: 2 + 2 = 4.\nThe answer is \\boxed{4}.", "1 + 1 = 2.", false)]
    [InlineData("The answer is \\boxed{7}.", "The answer is \\boxed{7}.", true)]
    [InlineData("", "", true)]
    [InlineData("I cannot solve this problem.", "", true)]
    public void NextStepParser_KeepsTheFirstStepWithoutLabel_FinalOnABoxedAnswerOrNothing(string raw, string step, bool final)
    {
        Assert.Equal(new StepProposal(step, final), NextStepParser.Parse(raw));
    }

    [Fact]
    public void SpcSearchSpec_ReadsKTemperatureAndBudgets_RejectsBadValues()
    {
        var options = ImmutableDictionary<string, string>.Empty
            .Add(SpcSearchSpec.MaxResamplesPerStep, "5").Add(SpcSearchSpec.MaxTotalResamples, "7")
            .Add(SpcSearchSpec.OnExhausted, "give-up").Add(SpcSearchSpec.RejectInvalid, "true");
        var spec = StrategyDefaults.Create(StrategyNames.SpcSearch, k: 4, options: options);

        var read = SpcSearchSpec.Options(spec);

        Assert.Equal((4, 0.7, 5, 7, ExhaustedAction.GiveUp, true),
            (read.Samples, read.Temperature, read.MaxResamplesPerStep, read.MaxTotalResamples, read.OnExhausted, read.RejectOnInvalidVerdict));
        Assert.Equal((1, 0.7), (StrategyDefaults.Create(StrategyNames.SpcSearch).K, StrategyDefaults.Create(StrategyNames.SpcSearch).Temperature));
        Assert.Null(StrategyNames.Validate(StrategyNames.SpcSearch));
        Assert.Throws<ArgumentException>(() => SpcSearchSpec.Options(spec with { Options = options.SetItem(SpcSearchSpec.MaxSteps, "0") }));
        Assert.Throws<ArgumentException>(() => SpcSearchSpec.Options(spec with { Options = options.SetItem(SpcSearchSpec.OnExhausted, "retry") }));
    }

    [Fact]
    public void SyntheticProcessBench_LabelsAreTheFirstWrongStep_BothKindsAndSubsets()
    {
        var items = SyntheticProcessBench.Generate(24, seed: 5);

        Assert.All(items, p =>
        {
            var verdicts = SyntheticProblems.TryParse(p.Question)!.CheckSteps(p.Steps);
            Assert.Equal(Enumerable.Range(0, verdicts.Count).FirstOrDefault(i => !verdicts[i], -1), p.FirstErrorStep);
        });
        Assert.Equal(10, items.Count(p => p.FirstErrorStep >= 0)); // seed 5 fixes the draw
        Assert.Equal([SyntheticProcessBench.ShortSubset, SyntheticProcessBench.LongSubset], items.Select(ProcessBenchEvaluation.SubsetOf).Distinct());
        Assert.Equal(items.Select(SyntheticProcessBench.ToJson), SyntheticProcessBench.Generate(24, seed: 5).Select(SyntheticProcessBench.ToJson));
    }
}
