using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Contracts.Solving;
using Agents.Core.Answers;
using Agents.Core.Simulation;
using Agents.Core.Strategies;

namespace Agents.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GrainTests(ClusterFixture fixture)
{
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(40, seed: 5)];

    [Fact]
    public async Task Solver_SameRequestTwice_ReturnsSameSamples()
    {
        var request = new SolveRequest("run-a", Problems[0].Id, Problems[0].Question, 4, 0.8, 0.95, 1000, "", 0, 7);
        var solver = fixture.Client.GetGrain<ISolverGrain>(0);

        var first = await solver.SolveAsync(request);
        var second = await solver.SolveAsync(request);

        Assert.Equal(4, first.Samples.Length);
        Assert.Equal(first.Samples.Select(s => s.Solution.Text), second.Samples.Select(s => s.Solution.Text));
        Assert.Equal(first.Samples.Select(s => s.Seed), second.Samples.Select(s => s.Seed));
        Assert.Equal(4, first.Samples.Select(s => s.Seed).Distinct().Count());
        Assert.True(first.Usage.PromptTokens > 0 && first.Usage.CompletionTokens > 0);
        Assert.Equal(4, first.Usage.Samples);
    }

    [Fact]
    public async Task Solver_DifferentRound_DrawsDifferentSeeds()
    {
        var request = new SolveRequest("run-b", Problems[1].Id, Problems[1].Question, 3, 0.8, 0.95, 1000, "", 0, 7);
        var solver = fixture.Client.GetGrain<ISolverGrain>(0);

        var round0 = await solver.SolveAsync(request);
        var round1 = await solver.SolveAsync(request with { Round = 1 });

        Assert.Empty(round0.Samples.Select(s => s.Seed).Intersect(round1.Samples.Select(s => s.Seed)));
    }

    [Fact]
    public async Task Run_SelfConsistency_VotesGradesAndRecordsTranscript()
    {
        var problem = Problems[2];
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 5, seed: 3);
        var run = fixture.Client.GetGrain<IProblemRunGrain>($"job-sc/{problem.Id}");

        var result = await run.RunAsync(new RunRequest("job-sc", problem, spec));
        var transcript = await run.GetTranscriptAsync();

        Assert.Equal("ok", result.Status);
        Assert.Equal(5, result.Usage.Samples);
        Assert.Equal(problem.Gold, result.Gold);
        Assert.Equal(AnswerEquivalence.AreEquivalent(result.Answer, problem.Gold, EquivalenceModes.Default), result.Correct);
        Assert.Equal(5, transcript.Count(e => e.Kind == "sample"));
        Assert.Single(transcript, e => e.Kind == "solve-request");
        var decision = Assert.Single(transcript, e => e.Kind == "decision");
        Assert.Contains("majority vote", decision.Text, StringComparison.Ordinal);
        Assert.Equal(transcript.Select(e => e.Seq), Enumerable.Range(0, transcript.Length));
    }

    [Fact]
    public async Task Run_RepeatedRequest_ReturnsRecordedResultWithoutNewCalls()
    {
        var problem = Problems[3];
        var spec = StrategyDefaults.Create(StrategyNames.Cot);
        var run = fixture.Client.GetGrain<IProblemRunGrain>($"job-cot/{problem.Id}");

        var first = await run.RunAsync(new RunRequest("job-cot", problem, spec));
        var entries = (await run.GetTranscriptAsync()).Length;
        var second = await run.RunAsync(new RunRequest("job-cot", problem, spec));

        AssertSameResult(first, second);
        Assert.Equal(entries, (await run.GetTranscriptAsync()).Length);
        Assert.Equal(1, first.Usage.Calls);
        Assert.Equal(1, first.Usage.Samples);
    }

    [Fact]
    public async Task Run_AfterDeactivation_KeepsResultFromStorage()
    {
        var problem = Problems[4];
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 3);
        var run = fixture.Client.GetGrain<IProblemRunGrain>($"job-persist/{problem.Id}");
        var first = await run.RunAsync(new RunRequest("job-persist", problem, spec));

        await fixture.Cluster.DeactivateAsync(run);
        var second = await run.RunAsync(new RunRequest("job-persist", problem, spec));

        AssertSameResult(first, second);
    }

    [Fact]
    public async Task Job_FortyProblems_RecordsEachResultOnceAcrossBothSilos()
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-forty");
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 3, seed: 1);
        await job.CreateAsync(new JobSpec("job-forty", spec, Concurrency: 4, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. Problems.Take(25)]);
        await job.AddProblemsAsync(1, [.. Problems.Skip(25)]);
        await job.AddProblemsAsync(1, [.. Problems.Skip(25)]);

        await job.StartAsync();
        var results = await job.DrainAsync();

        Assert.Equal(40, results.Count);
        Assert.Equal(Problems.Select(p => p.Id).Order(), results.Select(r => r.ProblemId).Order());
        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.Equal(2, results.Select(r => r.Silo).Distinct().Count());
        var progress = await job.GetProgressAsync();
        Assert.Equal((40, 40, 0, "completed"), (progress.Total, progress.Completed, progress.InFlight, progress.State));
        Assert.Equal(results.Count(r => r.Correct == true), progress.Correct);
    }

    [Fact]
    public async Task Job_CreateAgainWithEqualSpec_IsAcceptedAndDifferentSettingsAreRefused()
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-reattach");
        JobSpec Spec(int k) => new("job-reattach", StrategyDefaults.Create(StrategyNames.SelfConsistency, k: k, seed: 1) with
        {
            Options = ImmutableDictionary<string, string>.Empty.Add("mode", "paper").Add("mu", "1"),
        }, Concurrency: 2, MaxAttempts: 2);
        await job.CreateAsync(Spec(3));

        // A re-attaching client builds its own (equal, not the same) options dictionary.
        await job.CreateAsync(Spec(3));
        await job.CreateAsync(Spec(3) with { Strategy = Spec(3).Strategy with { Options = ImmutableDictionary<string, string>.Empty.Add("mu", "1").Add("mode", "paper") } });

        await Assert.ThrowsAsync<InvalidOperationException>(() => job.CreateAsync(Spec(4)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.CreateAsync(Spec(3) with { Strategy = Spec(3).Strategy with { Options = ImmutableDictionary<string, string>.Empty.Add("mode", "code").Add("mu", "1") } }));
    }

    [Fact]
    public async Task Job_ConcurrencyZeroOrKOfAMillion_RefusedByTheGrainAndNeverCreated()
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-refused");
        var spec = new JobSpec("job-refused", StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 4, seed: 1), Concurrency: 0, MaxAttempts: 2);

        var zero = await Assert.ThrowsAsync<ArgumentException>(() => job.CreateAsync(spec));
        var huge = await Assert.ThrowsAsync<ArgumentException>(() => job.CreateAsync(spec with { Concurrency = 2, Strategy = spec.Strategy with { K = 1_000_000 } }));

        Assert.Equal("job spec refused: concurrency: must be between 1 and 10000, got 0", zero.Message);
        Assert.Equal("job spec refused: k: must be between 1 and 1024, got 1000000", huge.Message);
        // Nothing was stored: the job does not exist, so it cannot spin or survive a restart.
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.StartAsync());
    }

    [Fact]
    public async Task League_ConcurrencyZero_RefusedByTheGrain()
    {
        var league = fixture.Client.GetGrain<Agents.Contracts.SelfPlay.ILeagueGrain>("lg-refused");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => league.StartAsync(new Agents.Contracts.SelfPlay.LeagueSpec("lg-refused", 4, 1, 0, "", "", "", 1)));

        Assert.Equal("league spec refused: concurrency: must be between 1 and 10000, got 0", ex.Message);
    }

    [Fact]
    public async Task Job_DeadBackend_FailsRunsClearlyAndFinishes()
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-dead");
        var spec = StrategyDefaults.Create(StrategyNames.Cot, model: "openai:http://127.0.0.1:9/v1#none");
        await job.CreateAsync(new JobSpec("job-dead", spec, Concurrency: 2, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. Problems.Take(3)]);

        await job.StartAsync();
        var results = await job.DrainAsync();

        Assert.Equal(3, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal("failed", r.Status);
            Assert.Contains("attempt 2/2", r.Error, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1:9", r.Error, StringComparison.Ordinal);
            Assert.False(r.Correct);
        });
    }

    // Records holding ImmutableArray compare those members by reference; compare their contents instead.
    private static void AssertSameResult(RunResult expected, RunResult actual)
    {
        Assert.Equal(
            (expected.ProblemId, expected.Answer, expected.Correct, expected.Usage, expected.Silo, expected.LatencyMs),
            (actual.ProblemId, actual.Answer, actual.Correct, actual.Usage, actual.Silo, actual.LatencyMs));
        Assert.Equal(expected.Ledger.AsEnumerable(), actual.Ledger.AsEnumerable());
        Assert.Equal(expected.RoundAnswers.AsEnumerable(), actual.RoundAnswers.AsEnumerable());
    }
}
