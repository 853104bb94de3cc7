using System.Collections.Immutable;
using System.Globalization;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.SelfPlay;
using Agents.Core.Strategies;
using Xunit.Abstractions;

namespace Agents.Grains.Tests;

/// <summary>Critic-guided search (spc-search) on the test cluster with the simulated solver and critic.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SpcSearchGrainTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(40, seed: 57, minSteps: 5, maxSteps: 8)];

    [Fact]
    public async Task SpcSearch_Job_RowsOkCallsAreStepsPlusResamplesWithinBudget()
    {
        var spec = StrategyDefaults.Create(StrategyNames.SpcSearch, seed: 3);
        var results = await fixture.Client.RunJobAsync("spc-rows", spec, Problems[..12]);

        Assert.Equal(12, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal("ok", r.Status);
            var steps = Detail(r, "steps");
            var resamples = Detail(r, "resamples");
            Assert.Equal(1, Detail(r, "chains"));
            // The per-step cap under test: a bound; the exact count is tied to the calls below.
            Assert.InRange(resamples, 0, steps * SpcSearchOptions.Default.MaxResamplesPerStep);
            // One verdict per proposal; a proposal is either an accepted step or resampled.
            Assert.Equal(steps + resamples, Calls(r, "solver"));
            Assert.Equal(steps + resamples, Calls(r, "critic"));
            Assert.Equal(Calls(r, "critic"), Detail(r, "critic_calls"));
            Assert.Equal(Calls(r, "solver") + Calls(r, "critic"), r.Usage.Samples);
            // Bounds by construction: each resample follows a rejection, and no proposal gets more than one verdict.
            Assert.InRange(Detail(r, "rejections"), resamples, steps + resamples);
        });
        Assert.Contains(results, r => Detail(r, "resamples") > 0);
    }

    [Fact]
    public async Task SpcSearch_TotalBudget_CapsResamplesAndTranscriptRecordsStepsVerdictsAndResamples()
    {
        var options = ImmutableDictionary<string, string>.Empty.Add(SpcSearchSpec.MaxTotalResamples, "1").Add(SpcSearchSpec.MaxResamplesPerStep, "1");
        var spec = StrategyDefaults.Create(StrategyNames.SpcSearch, temperature: 1.2, seed: 8, options: options);
        var results = await fixture.Client.RunJobAsync("spc-budget", spec, Problems[..12]);

        // The total budget under test (1 resample): a cap, not a seeded count.
        Assert.All(results, r => Assert.InRange(Detail(r, "resamples"), 0, 1));
        var resampled = results.First(r => Detail(r, "resamples") == 1);
        var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"spc-budget/{resampled.ProblemId}").GetTranscriptAsync();
        Assert.Equal(Calls(resampled, "solver"), transcript.Count(e => e.Kind == "step"));
        Assert.Equal(Calls(resampled, "critic"), transcript.Count(e => e.Kind == "verdict"));
        Assert.Single(transcript, e => e.Kind == "resample");
        Assert.Single(transcript, e => e.Kind == "decision");
    }

    [Fact]
    public async Task SpcSearch_WithK_VotesOverKChains()
    {
        var spec = StrategyDefaults.Create(StrategyNames.SpcSearch, k: 3, seed: 5);
        var results = await fixture.Client.RunJobAsync("spc-sc", spec, Problems[..4]);

        Assert.All(results, r =>
        {
            Assert.Equal(3, Detail(r, "chains"));
            var answers = r.Details["chain_answers"].Split('|');
            Assert.Equal(3, answers.Length);
            Assert.Equal(answers.Where(a => a.Length > 0).GroupBy(a => a).OrderByDescending(g => g.Count()).First().Count(), answers.Count(a => a == r.Answer));
        });
    }

    [Fact]
    public async Task SpcSearch_IsAtLeastAsAccurateAsCot_OnTheSameProblems()
    {
        var cot = await fixture.Client.RunJobAsync("cmp-cot", StrategyDefaults.Create(StrategyNames.Cot, seed: 1), Problems);
        var spc = await fixture.Client.RunJobAsync("cmp-spc", StrategyDefaults.Create(StrategyNames.SpcSearch, seed: 1), Problems);
        var sc = await fixture.Client.RunJobAsync("cmp-sc", StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 3, seed: 1), Problems);
        var spcSc = await fixture.Client.RunJobAsync("cmp-spc-sc", StrategyDefaults.Create(StrategyNames.SpcSearch, k: 3, seed: 1), Problems);

        double Accuracy(List<RunResult> rows) => rows.Count(r => r.Correct == true) / (double)rows.Count;
        double Samples(List<RunResult> rows) => rows.Average(r => r.Usage.Samples);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Problems.Length} problems (5-8 steps): cot {Accuracy(cot):P1} ({Samples(cot):F1} calls), spc-search {Accuracy(spc):P1} ({Samples(spc):F1} calls), " +
            $"sc k=3 {Accuracy(sc):P1} ({Samples(sc):F1}), spc-search k=3 {Accuracy(spcSc):P1} ({Samples(spcSc):F1})"));
        Assert.True(Accuracy(spc) >= Accuracy(cot), $"spc-search {Accuracy(spc)} < cot {Accuracy(cot)}");
        // Voting over verified chains beats one verified chain; against plain SC it is only reported (the simulated
        // solver's slips are independent across samples, so a 3-way vote already removes most of them).
        Assert.True(Accuracy(spcSc) >= Accuracy(spc), $"spc-search k=3 {Accuracy(spcSc)} < spc-search {Accuracy(spc)}");
    }

    private static int Detail(RunResult result, string key) => int.Parse(result.Details[key], CultureInfo.InvariantCulture);

    private static int Calls(RunResult result, string role) => result.Ledger.Where(l => l.Role == role).Sum(l => l.Usage.Calls);
}
