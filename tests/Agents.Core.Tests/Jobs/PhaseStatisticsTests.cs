using System.Collections.Immutable;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;
using Agents.Core.Strategies;

namespace Agents.Core.Tests.Jobs;

public sealed class PhaseStatisticsTests
{
    private static readonly Dictionary<int, DatasetStats> Computed = new() { [1] = new DatasetStats(0.4, 0.1, "dataset") };

    [Fact]
    public void For_FirstPhase_None()
    {
        var strategy = StrategyDefaults.Create(StrategyNames.Magicore, options: Options(("mu", "1"), ("sigma", "2")));

        Assert.Null(PhaseStatistics.For(strategy, 0, Computed));
    }

    [Fact]
    public void For_LaterPhase_BarrierStatisticsForThatPhase()
    {
        var strategy = StrategyDefaults.Create(StrategyNames.Magicore);

        Assert.Equal(new DatasetStats(0.4, 0.1, "dataset"), PhaseStatistics.For(strategy, 1, Computed));
        Assert.Null(PhaseStatistics.For(strategy, 2, Computed));
    }

    [Fact]
    public void For_MuAndSigmaInOptions_WinOverTheBarrier()
    {
        var fixedStats = StrategyDefaults.Create(StrategyNames.Magicore, options: Options(("mu", "0.75"), ("sigma", "0.5")));
        var calibrated = StrategyDefaults.Create(
            StrategyNames.Magicore, options: Options(("mu", "1e-1"), ("sigma", "2"), ("stats_source", "calibration")));
        var muOnly = StrategyDefaults.Create(StrategyNames.Magicore, options: Options(("mu", "0.75")));

        Assert.Equal(new DatasetStats(0.75, 0.5, "options"), PhaseStatistics.For(fixedStats, 1, Computed));
        Assert.Equal(new DatasetStats(0.1, 2, "calibration"), PhaseStatistics.For(calibrated, 1, Computed));
        Assert.Equal(Computed[1], PhaseStatistics.For(muOnly, 1, Computed));
    }

    [Fact]
    public void StreamEnd_CodeMode_FirstBarrierThenTheRestStreams()
    {
        var code = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mode", "code")));

        // Iteration 1 needs every problem's first chain; iterations 2 and 3 reuse iteration 0's statistics.
        Assert.Equal(0, PhaseStatistics.StreamEnd(code, 0, 4));
        Assert.Equal(3, PhaseStatistics.StreamEnd(code, 1, 4));
    }

    [Fact]
    public void StreamEnd_PaperMode_EveryIterationWaits()
    {
        var paper = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3);

        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(p => PhaseStatistics.StreamEnd(paper, p, 4)));
    }

    [Fact]
    public void StreamEnd_FixedStatistics_NoBarrierAtAll()
    {
        var fixedStats = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mu", "0.5"), ("sigma", "0.2")));
        var single = StrategyDefaults.Create(StrategyNames.SelfConsistency);

        Assert.Equal(3, PhaseStatistics.StreamEnd(fixedStats, 0, 4));
        Assert.Equal(0, PhaseStatistics.StreamEnd(single, 0, 1));
    }

    [Fact]
    public void AheadOf_SplitDraw_RunsTheSecondDrawBeforeTheStatisticsOfTheStatisticsChains()
    {
        var split = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mode", "code"), ("draw", "split")));

        // Phase 0 is each problem's statistics chain, phase 1 the other chains (no statistics), phase 2 iteration 1.
        Assert.Equal(new WorkAhead(0, 1, 2), PhaseStatistics.AheadOf(split, 0, 5));
        // Once the statistics are known the rest streams; a job never waits at phase 1.
        Assert.Null(PhaseStatistics.AheadOf(split, 2, 5));
        Assert.Equal(4, PhaseStatistics.StreamEnd(split, 2, 5));
    }

    [Fact]
    public void AheadOf_TogetherDrawPaperModeOrFixedStatistics_Nothing()
    {
        var code = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mode", "code")));
        var paper = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3);
        var fixedSplit = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mode", "code"), ("draw", "split"), ("mu", "0.5"), ("sigma", "0.2")));
        var single = StrategyDefaults.Create(StrategyNames.SelfConsistency);

        Assert.Null(PhaseStatistics.AheadOf(code, 0, 4));
        Assert.Null(PhaseStatistics.AheadOf(paper, 0, 4));
        // With fixed statistics nothing waits: the whole run streams from phase 0.
        Assert.Null(PhaseStatistics.AheadOf(fixedSplit, 0, 5));
        Assert.Null(PhaseStatistics.AheadOf(single, 0, 1));
    }

    [Fact]
    public void InStream_FixedStatisticsOwnElseTheStreamStarts()
    {
        var code = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mode", "code")));
        var fixedStats = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: Options(("mu", "0.5"), ("sigma", "0.2")));

        Assert.Equal(Computed[1], PhaseStatistics.InStream(code, 3, 1, Computed));
        Assert.Equal(new DatasetStats(0.5, 0.2, "options"), PhaseStatistics.InStream(fixedStats, 2, 0, Computed));
    }

    [Fact]
    public void AtBarrier_ValuesFromEveryChunk_PopulationMeanAndStdDev()
    {
        var barrier = PhaseStatistics.AtBarrier([[1.0, 2.0], [], [3.0, 6.0]]);

        Assert.Equal(4, barrier.Problems);
        Assert.Equal("dataset", barrier.Stats.Source);
        Assert.Equal(3.0, barrier.Stats.Mean, 12);
        Assert.Equal(Math.Sqrt(3.5), barrier.Stats.StdDev, 12);   // (4 + 1 + 0 + 9) / 4
    }

    [Fact]
    public void AtBarrier_NoValues_NaNOverNone()
    {
        var barrier = PhaseStatistics.AtBarrier([[], []]);

        Assert.Equal(0, barrier.Problems);
        Assert.True(double.IsNaN(barrier.Stats.Mean));
        Assert.True(double.IsNaN(barrier.Stats.StdDev));
    }

    private static ImmutableDictionary<string, string> Options(params (string Key, string Value)[] options) =>
        options.ToImmutableDictionary(o => o.Key, o => o.Value);
}
