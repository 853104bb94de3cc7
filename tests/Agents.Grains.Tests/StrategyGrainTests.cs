using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;

namespace Agents.Grains.Tests;

/// <summary>The reward-model, Self-Refine and MAgICoRe strategies on the test cluster with the simulated world.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StrategyGrainTests(ClusterFixture fixture)
{
    // Harder problems (6-8 steps) so some MAgICoRe problems are classified hard and refined.
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(24, seed: 31, minSteps: 6, maxSteps: 8)];

    [Fact]
    public async Task BestOfK_ScoresEveryChainWithTheOrmOnly()
    {
        var result = await RunAsync("bok", StrategyDefaults.Create(StrategyNames.BestOfK, k: 6), Problems[0]);

        Assert.Equal(6, result.Usage.Samples);
        Assert.Equal(6, Calls(result, "orm"));
        Assert.Equal(0, Calls(result, "prm"));
        Assert.Contains("best of 6 by ORM", await DecisionAsync("bok", Problems[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RewardVote_RunsThePrmOnChainsWithAnAnswer()
    {
        var result = await RunAsync("rmv", StrategyDefaults.Create(StrategyNames.RewardVote, k: 6), Problems[1]);

        Assert.Equal(6, Calls(result, "orm"));
        var scores = (await TranscriptAsync("rmv", Problems[1])).Single(e => e.Kind == "scores");
        Assert.Equal(Answered(scores.Data!), Calls(result, "prm"));
        Assert.Contains("RM-weighted vote", await DecisionAsync("rmv", Problems[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfRefine_OneCallPerRoundByDefault_FeedbackAndRewriteInOneCompletion()
    {
        var result = await RunAsync("sr1", StrategyDefaults.Create(StrategyNames.SelfRefine, k: 3), Problems[2]);

        var rounds = Calls(result, "refiner");
        Assert.Equal(0, Calls(result, "reviewer"));
        Assert.Equal("one-call", result.Details["form"]);
        // A bound (each of the k runs refines once up to max_attempts times); the exact count is the transcript's below.
        Assert.InRange(rounds, 3, 3 * int.Parse(result.Details["max_attempts"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(result.Rounds + 1, result.RoundAnswers.Length);
        Assert.Equal(3 + rounds, result.Usage.Samples);
        var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"sr1/{Problems[2].Id}").GetTranscriptAsync();
        Assert.Equal(rounds, transcript.Count(e => e.Kind == "feedback-rewrite"));
    }

    [Fact]
    public async Task SelfRefine_TwoCallForm_StopsOnItIsCorrectAndCountsFeedbackAndRewrites()
    {
        var spec = StrategyDefaults.Create(StrategyNames.SelfRefine, k: 3, options: ImmutableDictionary<string, string>.Empty.Add("form", "two-call"));
        var result = await RunAsync("sr", spec, Problems[2]);

        var feedback = Calls(result, "reviewer");
        var rewrites = Calls(result, "refiner");
        // A bound (each of the k runs gets feedback once up to max_attempts times); the exact counts are the transcript's.
        Assert.InRange(feedback, 3, 3 * int.Parse(result.Details["max_attempts"], System.Globalization.CultureInfo.InvariantCulture));
        var transcript = await TranscriptAsync("sr", Problems[2]);
        Assert.Equal((feedback, rewrites), (transcript.Count(e => e.Kind == "feedback"), transcript.Count(e => e.Kind == "rewrite")));
        Assert.Equal(feedback - int.Parse(result.Details["stopped_by_feedback"], System.Globalization.CultureInfo.InvariantCulture), rewrites);
        Assert.Equal(result.Rounds + 1, result.RoundAnswers.Length);
        Assert.Equal(3 + feedback + rewrites, result.Usage.Samples);
    }

    [Fact]
    public async Task Magicore_JobWithBarrier_CostsKPlusTwoKrAndRecordsEachRound()
    {
        const int k = 6;
        const int rounds = 2;
        var job = fixture.Client.GetGrain<IBatchJobGrain>("mg-job");
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: k, rounds: rounds, seed: 4);
        await job.CreateAsync(new JobSpec("mg-job", spec, Concurrency: 6, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. Problems]);

        await job.StartAsync();
        var results = await job.DrainAsync();

        Assert.Equal(Problems.Length, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal("ok", r.Status);
            Assert.Equal(k + (2 * k * r.Rounds), r.Usage.Samples);
            Assert.Equal(r.Rounds * k, Calls(r, "reviewer"));
            Assert.Equal(r.Rounds * k, Calls(r, "refiner"));
            Assert.Equal(1, Calls(r, "solver"));
            Assert.Equal(rounds + 1, r.RoundAnswers.Length);
            Assert.Equal("dataset", r.Details["stats_source"]);
            Assert.Equal("paper", r.Details["mode"]);
        });
        var progress = await job.GetProgressAsync();
        Assert.Equal((rounds + 1, rounds + 1), (progress.Phases, progress.Phase));
    }

    [Fact]
    public async Task Magicore_HardProblems_AreReviewedRefinedAndRescoredEachRound()
    {
        // The simulated reward models separate right from wrong chains so well that few problems are hard under the
        // dataset's own statistics; a fixed mu far above every chain's score fails condition 1 everywhere, so the
        // problems whose ORM-weighted answers are spread (confidence < 0.5) are refined.
        const int k = 8;
        var options = ImmutableDictionary<string, string>.Empty.Add("mode", "paper").Add("mu", "10").Add("sigma", "1");
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: k, rounds: 2, temperature: 1.4, seed: 9, options: options);
        var job = fixture.Client.GetGrain<IBatchJobGrain>("mg-hard");
        await job.CreateAsync(new JobSpec("mg-hard", spec, Concurrency: 8, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. Problems]);

        await job.StartAsync();
        var results = await job.DrainAsync();

        var refined = results.Where(r => r.Rounds > 0).ToList();
        Assert.NotEmpty(refined);
        Assert.All(results, r => Assert.Equal("options", r.Details["stats_source"]));
        Assert.All(refined, r =>
        {
            Assert.Equal(k + (2 * k * r.Rounds), r.Usage.Samples);
            Assert.Contains("hard", r.Details["round1"], StringComparison.Ordinal);
        });
        var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"mg-hard/{refined[0].ProblemId}").GetTranscriptAsync();
        Assert.Contains(transcript, e => e.From == "reviewer" && e.To == "refiner" && e.Round == 1);
        Assert.Contains(transcript, e => e.From == "refiner" && e.Round == 1);
        Assert.Contains(transcript, e => e.From == "scorer" && e.Round == 1);

        // Each chain's review and refinement run as their own pipeline, yet the transcript is written in a fixed
        // order: round 1's k feedback entries in chain order, then its k refinements in chain order.
        var round1 = transcript.Where(e => e.Round == 1 && e.Kind is "feedback" or "refinement").ToList();
        string[] expected =
        [
            .. Enumerable.Range(0, k).Select(j => $"feedback chain {j}:"),
            .. Enumerable.Range(0, k).Select(j => $"refinement chain {j}:"),
        ];
        Assert.Equal(expected, round1.Select(e => $"{e.Kind} {e.Text.Split('\n')[0]}"));
    }

    [Theory]
    [InlineData("code", 2)]
    [InlineData("paper", 1)]
    public async Task Magicore_RefinedChains_PrmPassesCountedTwiceInCodeModeOnceInPaperMode(string mode, int passesPerRefinedChain)
    {
        // mu = 10 fails condition 1 everywhere, so problems with spread answers are refined in iteration 1. The PRM runs on
        // round 0's answerless chains to annotate them, and on every refined chain with an answer to score it; the
        // released code annotates the refined chains with a second pass, which code mode's ledger counts.
        var options = ImmutableDictionary<string, string>.Empty.Add("mode", mode).Add("mu", "10").Add("sigma", "1");
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 8, rounds: 1, temperature: 1.4, seed: 9, options: options);
        var jobId = $"mg-prm-{mode}";
        var job = fixture.Client.GetGrain<IBatchJobGrain>(jobId);
        await job.CreateAsync(new JobSpec(jobId, spec, Concurrency: 8, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. Problems.Take(12)]);

        await job.StartAsync();
        var refined = (await job.DrainAsync()).Where(r => r.Rounds > 0).ToList();

        Assert.NotEmpty(refined);
        foreach (var result in refined)
        {
            var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"{jobId}/{result.ProblemId}").GetTranscriptAsync();
            var answered = transcript.Where(e => e.Kind == "scores").ToDictionary(e => e.Round, e => Answered(e.Data!));
            var prm = result.Ledger.Where(l => l.Role == "prm" && l.Round == 1).Sum(l => l.Usage.Calls);
            Assert.Equal((8 - answered[0]) + (passesPerRefinedChain * answered[1]), prm);
        }
    }

    [Fact]
    public async Task Magicore_ReactivatedBetweenPhases_DoesNotRepeatFinishedCalls()
    {
        var problem = Problems[5];
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 1,
            options: ImmutableDictionary<string, string>.Empty.Add("mode", "code"));
        var run = fixture.Client.GetGrain<IProblemRunGrain>($"mg-resume/{problem.Id}");
        var stats = new DatasetStats(10, 1, "options");

        var coarse = await run.RunPhaseAsync(new RunRequest("mg-resume", problem, spec, 0, null));
        await fixture.Cluster.DeactivateAsync(run);
        var fine = await run.RunPhaseAsync(new RunRequest("mg-resume", problem, spec, 1, stats));

        Assert.NotNull(coarse.BarrierValue);
        Assert.Null(coarse.Final);
        var result = Assert.IsType<RunResult>(fine.Final);
        // mu = 10 makes every chain's z negative, so cond1 fails; whether it is refined depends on the confidences.
        Assert.Equal(1, Calls(result, "solver"));
        Assert.Equal(4 + (2 * 4 * result.Rounds), result.Usage.Samples);
        Assert.Equal(4, Calls(result, "orm") - (result.Rounds * 4));
        var transcript = await run.GetTranscriptAsync();
        Assert.Single(transcript, e => e.Kind == "solve-request");
    }

    private async Task<RunResult> RunAsync(string job, StrategySpec spec, Problem problem) =>
        await fixture.Client.GetGrain<IProblemRunGrain>($"{job}/{problem.Id}").RunAsync(new RunRequest(job, problem, spec));

    private async Task<string> DecisionAsync(string job, Problem problem) =>
        (await TranscriptAsync(job, problem)).Single(e => e.Kind == "decision").Text;

    private Task<ImmutableArray<TranscriptEntry>> TranscriptAsync(string job, Problem problem) =>
        fixture.Client.GetGrain<IProblemRunGrain>($"{job}/{problem.Id}").GetTranscriptAsync();

    private static int Answered(string data) => System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("scores").GetProperty("chains")
        .EnumerateArray().Count(c => c.GetProperty("answer").ValueKind == System.Text.Json.JsonValueKind.String);

    private static int Calls(RunResult result, string role) => result.Ledger.Where(l => l.Role == role).Sum(l => l.Usage.Calls);
}
