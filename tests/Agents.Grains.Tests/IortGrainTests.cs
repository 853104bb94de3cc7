using System.Collections.Immutable;
using System.Globalization;
using Agents.Contracts.Instructing;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Instructing;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Xunit.Abstractions;

namespace Agents.Grains.Tests;

/// <summary>The <c>iort</c> strategy on the test cluster with the simulated world.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IortGrainTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Roles = [IortRoleNames.MetaThinker, IortRoleNames.Generator, IortRoleNames.Reflector, IortRoleNames.Instructor];

    // Several steps so that initial chains are sometimes wrong and reflections have something to fix (or break).
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(40, seed: 17, minSteps: 5, maxSteps: 8)];

    // The comparison job: enough problems that Self-Refine's false alarms show up as broken answers.
    private static readonly Problem[] JobProblems = [.. SyntheticProblems.Generate(160, seed: 23, minSteps: 4, maxSteps: 8)];

    [Fact]
    public async Task Iort_Run_ReturnsPerIterationAnswersAndLedgerMatchesTheDriverCounts()
    {
        foreach (var problem in Problems.Take(6))
        {
            var result = await RunAsync("iort-one", StrategyDefaults.Create(StrategyNames.Iort, seed: 3), problem);

            Assert.Equal("ok", result.Status);
            Assert.Equal(StrategyDefaults.IortRounds + 1, result.RoundAnswers.Length);
            Assert.Equal(result.Answer, result.RoundAnswers[^1]);
            // The iterations run are those not copied forward from an earlier stop.
            Assert.Equal(Enumerable.Range(1, StrategyDefaults.IortRounds).Count(t => result.Details[$"instruction{t}"] != "copied-forward"), result.Rounds);
            Assert.All(Roles, role => Assert.Equal(int.Parse(result.Details[$"calls_{role}"], CultureInfo.InvariantCulture), Calls(result, role)));
            Assert.Equal(int.Parse(result.Details["calls_total"], CultureInfo.InvariantCulture), result.Usage.Samples);
            Assert.Equal((1, 1), (Calls(result, IortRoleNames.MetaThinker, round: 0), Calls(result, IortRoleNames.Generator, round: 0)));
            Assert.Equal(2 * int.Parse(result.Details["calls_instructor"], CultureInfo.InvariantCulture) - (2 * RefreshesCompared(result)), Calls(result, IortRoleNames.Reflector));
            for (var t = 1; t <= StrategyDefaults.IortRounds; t++)
            {
                Assert.Matches("^(select|stop|refresh)(: .*)?$|^copied-forward$", result.Details[$"instruction{t}"]);
            }

            Assert.Equal(("on", "4", "0.3", "snapshot"), (result.Details["consistency_gate"], result.Details["max_iterations"], result.Details["temperature"], result.Details["meta_memory_policy"]));
        }
    }

    [Fact]
    public async Task Iort_NoGate_Makes14CallsOnTheCluster()
    {
        var spec = StrategyDefaults.Create(StrategyNames.Iort, options: ImmutableDictionary<string, string>.Empty.Add("consistency_gate", "off"));

        var result = await RunAsync("iort-nogate", spec, Problems[0]);

        Assert.Equal(14, result.Usage.Samples);
        Assert.Equal((1, 1, 8, 4), (Calls(result, IortRoleNames.MetaThinker), Calls(result, IortRoleNames.Generator), Calls(result, IortRoleNames.Reflector), Calls(result, IortRoleNames.Instructor)));
        Assert.All(Enumerable.Range(1, 4), t => Assert.StartsWith("select", result.Details[$"instruction{t}"], StringComparison.Ordinal));
        Assert.Equal("off", result.Details["consistency_gate"]);
    }

    [Fact]
    public async Task Iort_Transcript_ShowsMetaThoughtReflectionsAndInstructionsWithReasons()
    {
        var problem = Problems[1];
        var result = await RunAsync("iort-trace", StrategyDefaults.Create(StrategyNames.Iort), problem);
        var transcript = await fixture.Client.GetGrain<IProblemRunGrain>($"iort-trace/{problem.Id}").GetTranscriptAsync();

        Assert.Single(transcript, e => e.Kind == "meta-thought" && e.From == IortRoleNames.MetaThinker && e.Round == 0 && e.Text.Length > 0);
        Assert.Single(transcript, e => e.Kind == "initial" && e.From == IortRoleNames.Generator);
        Assert.Contains(transcript, e => e.Kind == "critique" && e.From == IortRoleNames.Reflector && e.Round == 1);
        Assert.Contains(transcript, e => e.Kind == "revision" && e.From == IortRoleNames.Reflector && e.Round == 1);
        var instructions = transcript.Where(e => e.Kind == "instruction" && e.From == IortRoleNames.Instructor).ToList();
        Assert.Equal(result.Rounds, instructions.Count);
        Assert.All(instructions, e => Assert.Matches(@"^(select|stop|refresh) \(answers (agree|differ).*Reason: \S", e.Text));
        Assert.Equal(Enumerable.Range(1, result.Rounds), instructions.Select(e => e.Round));
        Assert.Single(transcript, e => e.Kind == "decision");
        output.WriteLine(string.Join("\n", transcript.Select(e => $"[{e.Round}] {e.From}->{e.To} {e.Kind}: {e.Text.ReplaceLineEndings(" ")[..Math.Min(120, e.Text.Length)]}")));
    }

    [Fact]
    public async Task MetaMemory_SeedRetrieveAndIdempotentAppends()
    {
        var memory = fixture.Client.GetGrain<IMetaMemoryGrain>("memory-unit");
        ImmutableArray<MetaExampleRecord> seed =
        [
            new("Tom has 3 apples and buys 2 more apples.", "Add what is bought."),
            new("Ann has 10 pencils and gives away 4.", "Subtract what is given away."),
            new("Ben packs 12 eggs into boxes of 6.", "Divide by the box size."),
        ];

        Assert.Equal(3, await memory.SeedAsync(seed));
        Assert.Equal(0, await memory.SeedAsync(seed));
        Assert.False(await memory.AppendAsync(seed[0]));
        Assert.True(await memory.AppendAsync(new MetaExampleRecord("Kim has 5 apples and buys 7 more apples.", "Add.")));
        var top = await memory.RetrieveAsync("Sam has 4 apples and buys 3 more apples.", 2, "lexical");
        // MiniLM ranks by meaning: a question about fruit bought matches the apple questions, though it shares no content word with them.
        var meaning = await memory.RetrieveAsync("How much fruit does Sam own after purchasing a few extra?", 2, "minilm");

        Assert.Equal(4, (await memory.GetExamplesAsync()).Length);
        Assert.Equal(2, top.Length);
        Assert.All(top, e => Assert.Contains("apples", e.Question, StringComparison.Ordinal));
        Assert.All(meaning, e => Assert.Contains("apples", e.Question, StringComparison.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RetrieveAsync("x", 1, "bm25"));
    }

    [Fact]
    public async Task Iort_SharedGrowingMemory_AppendsEachValidMetaThoughtOnce_SnapshotNever()
    {
        var growing = StrategyDefaults.Create(StrategyNames.Iort, options: ImmutableDictionary<string, string>.Empty
            .Add("meta_memory", "grow-mem").Add("meta_memory_policy", "shared-growing"));
        var snapshot = StrategyDefaults.Create(StrategyNames.Iort, options: ImmutableDictionary<string, string>.Empty
            .Add("meta_memory", "snap-mem").Add("meta_memory_policy", "snapshot"));

        foreach (var problem in Problems.Take(3))
        {
            await RunAsync("iort-grow", growing, problem);
            await RunAsync("iort-snap", snapshot, problem);
        }

        var grown = await fixture.Client.GetGrain<IMetaMemoryGrain>("grow-mem").GetExamplesAsync();
        Assert.Equal(Problems.Take(3).Select(p => p.Question), grown.Select(e => e.Question));
        Assert.Empty(await fixture.Client.GetGrain<IMetaMemoryGrain>("snap-mem").GetExamplesAsync());
    }

    [Fact]
    public async Task Iort_ReactivatedRun_ReplaysRecordedCallsWithoutNewOnes()
    {
        var problem = Problems[2];
        var spec = StrategyDefaults.Create(StrategyNames.Iort, seed: 8);
        var run = fixture.Client.GetGrain<IProblemRunGrain>($"iort-replay/{problem.Id}");
        var first = await run.RunAsync(new RunRequest("iort-replay", problem, spec));
        await fixture.Cluster.DeactivateAsync(run);
        var second = await run.RunAsync(new RunRequest("iort-replay", problem, spec));

        Assert.Equal(first.RoundAnswers.AsEnumerable(), second.RoundAnswers.AsEnumerable());
        Assert.Equal(first.Usage.Samples, second.Usage.Samples);
        Assert.Single((await run.GetTranscriptAsync()).Where(e => e.Kind == "decision"));
    }

    [Fact]
    public async Task Iort_Job_BreaksFewerCorrectAnswersThanSelfRefine()
    {
        var iort = await fixture.Client.RunJobAsync("iort-vs-sr-iort", StrategyDefaults.Create(StrategyNames.Iort, seed: 1), JobProblems);
        var selfRefine = await fixture.Client.RunJobAsync("iort-vs-sr-sr", StrategyDefaults.Create(StrategyNames.SelfRefine, seed: 1), JobProblems);

        Assert.All(iort.Concat(selfRefine), r => Assert.Equal("ok", r.Status));
        var iortTable = Transitions.Compute([.. iort.Select(r => (r.RoundCorrect[0], r.Correct))]);
        var srTable = Transitions.Compute([.. selfRefine.Select(r => (r.RoundCorrect[0], r.Correct))]);
        var shares = iort.Aggregate((Select: 0, Stop: 0, Refresh: 0), (s, r) => (
            s.Select + int.Parse(r.Details["select"], CultureInfo.InvariantCulture),
            s.Stop + int.Parse(r.Details["stop"], CultureInfo.InvariantCulture),
            s.Refresh + int.Parse(r.Details["refresh"], CultureInfo.InvariantCulture)));
        output.WriteLine(FormattableString.Invariant(
            $"iort: c->i {iortTable.CorrectToIncorrectRate:0.000} ({iortTable.CorrectToIncorrect}/{iortTable.Total}), i->c {iortTable.IncorrectToCorrectRate:0.000}, acc {iortTable.AccuracyBefore:0.000} -> {iortTable.AccuracyAfter:0.000}; decisions select/stop/refresh {shares}"));
        output.WriteLine(FormattableString.Invariant(
            $"self-refine: c->i {srTable.CorrectToIncorrectRate:0.000} ({srTable.CorrectToIncorrect}/{srTable.Total}), i->c {srTable.IncorrectToCorrectRate:0.000}, acc {srTable.AccuracyBefore:0.000} -> {srTable.AccuracyAfter:0.000}"));

        Assert.Equal(JobProblems.Length, iortTable.Total);
        Assert.True(iortTable.CorrectToIncorrectRate < srTable.CorrectToIncorrectRate,
            FormattableString.Invariant($"IoRT c->i {iortTable.CorrectToIncorrectRate:0.000} should be below Self-Refine's {srTable.CorrectToIncorrectRate:0.000}"));
    }

    private async Task<RunResult> RunAsync(string job, StrategySpec spec, Problem problem) =>
        await fixture.Client.GetGrain<IProblemRunGrain>($"{job}/{problem.Id}").RunAsync(new RunRequest(job, problem, spec));

    private static int Calls(RunResult result, string role, int? round = null) =>
        result.Ledger.Where(l => l.Role == role && (round is null || l.Round == round)).Sum(l => l.Usage.Calls);

    // With the default (no reflection of a refresh), an iteration after a refresh compares the refresh directly: no reflector calls.
    private static int RefreshesCompared(RunResult result) =>
        Enumerable.Range(1, StrategyDefaults.IortRounds - 1).Count(t => result.Details[$"instruction{t}"].StartsWith("refresh", StringComparison.Ordinal));
}
