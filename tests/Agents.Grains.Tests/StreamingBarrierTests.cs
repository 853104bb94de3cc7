using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;

namespace Agents.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StreamingBarrierTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("together", 4)]
    [InlineData("split", 5)]
    public async Task MagicoreCodeModeJob_StreamsAfterTheFirstBarrier_SameResultsAsBarrierAfterEveryPhase(string draw, int phases)
    {
        var problems = SyntheticProblems.Generate(24, seed: 31, minSteps: 6, maxSteps: 10).ToArray();
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 3, seed: 3, options: ImmutableDictionary<string, string>.Empty.Add("mode", "code").Add("draw", draw));
        var job = fixture.Client.GetGrain<IBatchJobGrain>($"job-streaming-{draw}");
        await job.CreateAsync(new JobSpec($"job-streaming-{draw}", spec, Concurrency: problems.Length, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);

        await job.StartAsync();
        var streamed = (await job.DrainAsync()).ToDictionary(r => r.ProblemId, StringComparer.Ordinal);
        var barriered = await BarrierAfterEveryPhaseAsync($"job-barriered-{draw}", spec, problems);

        Assert.Equal(problems.Length, streamed.Count);
        // The schedules differ only in when phases run: every answer, round answer and grade is the same.
        Assert.All(problems, p =>
        {
            var (a, b) = (streamed[p.Id], barriered[p.Id]);
            Assert.Equal((b.Status, b.Answer, b.Correct, b.Rounds), (a.Status, a.Answer, a.Correct, a.Rounds));
            Assert.Equal(b.RoundAnswers.AsEnumerable(), a.RoundAnswers.AsEnumerable());
        });
        // Not vacuous: some problem was still refined after the first iteration, the part that streamed.
        Assert.Contains(streamed.Values, r => r.Rounds >= 2);
        var progress = await job.GetProgressAsync();
        Assert.Equal(("completed", phases), (progress.State, progress.Phase));
    }

    [Fact]
    public async Task MagicoreSplitDraw_StatisticsChainIsTheTogetherDrawsFirstChain_SoTheFirstBarrierIsTheSame()
    {
        var problems = SyntheticProblems.Generate(8, seed: 32, minSteps: 6, maxSteps: 10).ToArray();
        var options = ImmutableDictionary<string, string>.Empty.Add("mode", "code");
        var together = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 2, seed: 5, options: options);
        var split = together with { Options = options.Add("draw", "split") };

        foreach (var p in problems)
        {
            var a = await fixture.Client.GetGrain<IProblemRunGrain>($"stats-together/{p.Id}").RunPhaseAsync(new RunRequest("stats-together", p, together, 0, null));
            var b = await fixture.Client.GetGrain<IProblemRunGrain>($"stats-split/{p.Id}").RunPhaseAsync(new RunRequest("stats-split", p, split, 0, null));

            // Phase 0 of a split draw is chain 0 alone: the same sample and score as the together draw's chain 0.
            Assert.Equal(a.BarrierValue, b.BarrierValue);
            Assert.Null(b.Final);
        }
    }

    [Theory]
    [InlineData("released")]
    [InlineData("deactivated")]
    [InlineData("cancelled")]
    public async Task MagicoreSplitDrawJob_WorksAheadOfTheBarrier_OtherDrawsRunWhileAStatisticsChainIsHeld_SameResults(string then)
    {
        var id = $"job-work-ahead-{then}";
        var problems = SyntheticProblems.Generate(6, seed: 33, minSteps: 6, maxSteps: 10).ToArray();
        // Every solver call of the last problem waits at the backend, its statistics chain first.
        var gate = new HoldGate(promptContains: problems[^1].Question);
        gate.Close();
        await using var server = await SimServer.StartAsync(new SimServerOptions(), gate.Wrap(SimulatedBackend.Create()));
        try
        {
            var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 2, seed: 7, model: server.ModelSpec,
                options: ImmutableDictionary<string, string>.Empty.Add("mode", "code").Add("draw", "split"));
            var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
            // Fewer slots than problems: a problem waiting for the statistics must not hold one, or the last could never start.
            await job.CreateAsync(new JobSpec(id, spec, Concurrency: 3, MaxAttempts: 2));
            await job.AddProblemsAsync(0, [.. problems]);
            await job.StartAsync();

            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(60));
            var waiting = await Eventually.UntilAsync(job.GetProgressAsync, p => p.InFlight == 1, TimeSpan.FromSeconds(60), "the other problems parked at the barrier");

            // The barrier waits for the held statistics chain, and the other five problems drew their other chains before it.
            Assert.Equal((JobStates.Running, 0, 0), (waiting.State, waiting.Phase, waiting.Completed));
            foreach (var p in problems[..^1])
            {
                var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"{id}/{p.Id}").GetTranscriptAsync();
                Assert.Equal(2, transcript.Count(e => e.Kind == "solve-request"));
                Assert.Equal(4, transcript.Count(e => e.Kind == "sample"));
            }

            if (then == "cancelled")
            {
                // Nothing runs on: the barrier is never computed and the waiting problems are not taken again.
                await job.CancelAsync();
                gate.Open();
                var stopped = await Eventually.UntilAsync(job.GetProgressAsync, p => p.InFlight == 0, TimeSpan.FromSeconds(60), "the held run answered");
                Assert.Equal((JobStates.Cancelled, 0, 0), (stopped.State, stopped.Phase, stopped.Completed));
                return;
            }

            if (then == "deactivated")
            {
                // The parked problems are only in the old activation's memory: the new one finds their barrier values in
                // the chunk, runs the held problem's pass again and the others from the first iteration.
                await fixture.Cluster.DeactivateAsync(job);
            }

            gate.Open();
            var completion = await job.DrainAsync();
            var streamed = completion.ToDictionary(r => r.ProblemId, StringComparer.Ordinal);
            var barriered = await BarrierAfterEveryPhaseAsync($"{id}-barriered", spec, problems);

            Assert.Equal(problems.Length, completion.Count);
            Assert.All(problems, p => Assert.Equal(
                (barriered[p.Id].Answer, barriered[p.Id].Correct, barriered[p.Id].Rounds, barriered[p.Id].RoundAnswers.Length),
                (streamed[p.Id].Answer, streamed[p.Id].Correct, streamed[p.Id].Rounds, streamed[p.Id].RoundAnswers.Length)));
            var progress = await job.GetProgressAsync();
            Assert.Equal((JobStates.Completed, 4, 6), (progress.State, progress.Phase, progress.Completed));
        }
        finally
        {
            gate.Open(); // a failed assertion must not leave the held calls waiting
        }
    }

    [Fact]
    public async Task MagicoreSplitDrawJob_AStatisticsChainFails_TheBarrierCoversTheOthers_SameAnswers()
    {
        var problems = SyntheticProblems.Generate(6, seed: 34, minSteps: 6, maxSteps: 10).ToArray();
        var doomed = problems[2];
        await using var server = await SimServer.StartAsync(new SimServerOptions(), new FailsOnText(SimulatedBackend.Create(), doomed.Question));
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 2, seed: 8, model: server.ModelSpec,
            options: ImmutableDictionary<string, string>.Empty.Add("mode", "code").Add("draw", "split"));
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-work-ahead-failed");
        await job.CreateAsync(new JobSpec("job-work-ahead-failed", spec, Concurrency: 3, MaxAttempts: 1));
        await job.AddProblemsAsync(0, [.. problems]);

        await job.StartAsync();
        var completion = await job.DrainAsync();
        var others = problems.Where(p => p != doomed).ToArray();
        var barriered = await BarrierAfterEveryPhaseAsync("job-work-ahead-failed-barriered", spec, others);

        // The failed run has its result and no barrier value; the statistics cover the five others, as a barrier after
        // every phase over those five computes them.
        Assert.Equal(problems.Length, completion.Count);
        Assert.Equal(doomed.Id, Assert.Single(completion, r => r.Status != "ok").ProblemId);
        var streamed = completion.Where(r => r.Status == "ok").ToDictionary(r => r.ProblemId, StringComparer.Ordinal);
        Assert.All(others, p => Assert.Equal(
            (barriered[p.Id].Answer, barriered[p.Id].Correct, barriered[p.Id].Rounds),
            (streamed[p.Id].Answer, streamed[p.Id].Correct, streamed[p.Id].Rounds)));
        var progress = await job.GetProgressAsync();
        Assert.Equal((JobStates.Completed, 4, 6, 1), (progress.State, progress.Phase, progress.Completed, progress.Failed));
    }

    // The schedule before streaming: each phase over the whole dataset, then that phase's barrier statistics.
    private async Task<Dictionary<string, RunResult>> BarrierAfterEveryPhaseAsync(string id, StrategySpec spec, Problem[] problems)
    {
        var computed = new Dictionary<int, DatasetStats>();
        PhaseResult[] results = [];
        for (var phase = 0; phase < StrategyCatalog.Phases(spec); phase++)
        {
            var stats = PhaseStatistics.For(spec, phase, computed);
            results = await Task.WhenAll(problems.Select(p =>
                fixture.Client.GetGrain<IProblemRunGrain>($"{id}/{p.Id}").RunPhaseAsync(new RunRequest(id, p, spec, phase, stats))));
            computed[phase + 1] = PhaseStatistics.AtBarrier([[.. results.Select(r => r.BarrierValue ?? 0)]]).Stats;
        }

        return results.ToDictionary(r => r.ProblemId, r => r.Final!, StringComparer.Ordinal);
    }
}
