using Agents.Contracts.Runs;
using Agents.Core.Magicore;

namespace Agents.Core.Jobs;

/// <summary>
/// The dataset statistics (μ, σ) each phase of a multi-phase strategy classifies with: none for the first phase, fixed
/// ones from the strategy's options (a single problem with no dataset), else those the job computed at the barrier.
/// </summary>
public static class PhaseStatistics
{
    /// <summary>The source of statistics computed at a barrier.</summary>
    public const string DatasetSource = "dataset";

    /// <summary>The statistics a phase runs with; options <c>mu</c> and <c>sigma</c> win over the barrier's.</summary>
    /// <param name="strategy">The job's strategy.</param>
    /// <param name="phase">The phase about to run.</param>
    /// <param name="computed">Statistics computed at each barrier, by the phase they feed.</param>
    public static DatasetStats? For(StrategySpec strategy, int phase, IReadOnlyDictionary<int, DatasetStats> computed)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (phase == 0)
        {
            return null;
        }

        if (MagicoreRunOptions.Codec.Read(strategy.Options) is { Mu: { } mu, Sigma: { } sigma } fixedStats)
        {
            return new DatasetStats(mu, sigma, fixedStats.StatsSource ?? "options");
        }

        return computed.GetValueOrDefault(phase);
    }

    /// <summary>
    /// The statistics phase <paramref name="phase"/> of a stream that started at <paramref name="start"/> runs with: its
    /// own where known (fixed options), else the stream's first phase's, the only ones a streamed phase reads.
    /// </summary>
    public static DatasetStats? InStream(StrategySpec strategy, int phase, int start, IReadOnlyDictionary<int, DatasetStats> computed) =>
        For(strategy, phase, computed) ?? For(strategy, start, computed);

    /// <summary>
    /// The last phase a problem may run straight after <paramref name="phase"/> without waiting for a barrier: the
    /// dataset statistics are the only thing a phase waits for, so phases whose statistics are already known stream
    /// back to back. With fixed μ, σ (options) no phase waits; in code mode every iteration classifies with iteration 0's
    /// statistics (each problem's first chain), so after the first barrier the rest streams; in paper mode each
    /// iteration's statistics cover every problem's pool after the previous one, so each iteration waits.
    /// </summary>
    /// <param name="strategy">The job's strategy.</param>
    /// <param name="phase">The phase about to start (its statistics are known).</param>
    /// <param name="phases">The strategy's phases.</param>
    public static int StreamEnd(StrategySpec strategy, int phase, int phases)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (phase + 1 >= phases)
        {
            return phase;
        }

        var options = MagicoreRunOptions.Codec.Read(strategy.Options);
        if (options is { Mu: not null, Sigma: not null })
        {
            return phases - 1;
        }

        return phase > 0 && !MagicoreOptions.For(options.Mode).RecomputeStatsEachIteration ? phases - 1 : phase;
    }

    /// <summary>
    /// How far a job at <paramref name="phase"/> may work ahead of its next barrier, or null when the next phase needs the
    /// statistics that barrier computes. After a split draw (code mode) the statistics of the first iteration aggregate
    /// phase 0 (each problem's statistics chain) and phase 1 (the other chains) needs none, so a problem runs phases 0
    /// and 1 back to back and waits only before phase 2: the barrier is known as soon as every statistics chain is in,
    /// while the other draws still fill the servers.
    /// </summary>
    /// <param name="strategy">The job's strategy.</param>
    /// <param name="phase">The job's phase (its statistics are known).</param>
    /// <param name="phases">The strategy's phases.</param>
    public static WorkAhead? AheadOf(StrategySpec strategy, int phase, int phases)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (phase != 0 || phases <= 1 || StreamEnd(strategy, phase, phases) > phase)
        {
            return null;
        }

        var first = MagicoreRunOptions.DrawPhases(strategy);
        return first > 1 && first < phases ? new WorkAhead(0, first - 1, first) : null;
    }

    /// <summary>The barrier step: μ and σ over the barrier values of every problem still running, from all chunks.</summary>
    public static BarrierStatistics AtBarrier(IReadOnlyCollection<ImmutableArray<double>> valuesByChunk)
    {
        ArgumentNullException.ThrowIfNull(valuesByChunk);
        var statistics = DatasetStatistics.FromScores(valuesByChunk.SelectMany(v => v));
        return new BarrierStatistics(
            new DatasetStats(statistics.Mean, statistics.StdDev, DatasetSource), valuesByChunk.Sum(v => v.Length));
    }
}

/// <summary>A stretch of phases a problem runs before the statistics it waits for are known (see <see cref="PhaseStatistics.AheadOf"/>).</summary>
/// <param name="BarrierPhase">The phase whose barrier values the statistics aggregate.</param>
/// <param name="AheadEnd">The last phase a problem runs without statistics.</param>
/// <param name="StatsPhase">The first phase that needs them (AheadEnd + 1), under which the job keeps them.</param>
public sealed record WorkAhead(int BarrierPhase, int AheadEnd, int StatsPhase);

/// <summary>Statistics computed at a barrier and how many problems they cover.</summary>
/// <param name="Stats">μ and σ, source <see cref="PhaseStatistics.DatasetSource"/>.</param>
/// <param name="Problems">Barrier values aggregated.</param>
public sealed record BarrierStatistics(DatasetStats Stats, int Problems);
