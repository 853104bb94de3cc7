using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;

namespace Agents.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StreamingBarrierTests(ClusterFixture fixture)
{
    [Fact]
    public async Task MagicoreCodeModeJob_StreamsAfterTheFirstBarrier_SameResultsAsBarrierAfterEveryPhase()
    {
        var problems = SyntheticProblems.Generate(24, seed: 31, minSteps: 6, maxSteps: 10).ToArray();
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 4, rounds: 3, seed: 3, options: ImmutableDictionary<string, string>.Empty.Add("mode", "code"));
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-streaming");
        await job.CreateAsync(new JobSpec("job-streaming", spec, Concurrency: problems.Length, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);

        await job.StartAsync();
        var streamed = (await job.DrainAsync()).ToDictionary(r => r.ProblemId, StringComparer.Ordinal);
        var barriered = await BarrierAfterEveryPhaseAsync("job-barriered", spec, problems);

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
        Assert.Equal(("completed", 4), (progress.State, progress.Phase));
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
