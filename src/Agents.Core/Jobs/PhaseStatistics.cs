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

    /// <summary>The barrier step: μ and σ over the barrier values of every problem still running, from all chunks.</summary>
    public static BarrierStatistics AtBarrier(IReadOnlyCollection<ImmutableArray<double>> valuesByChunk)
    {
        ArgumentNullException.ThrowIfNull(valuesByChunk);
        var statistics = DatasetStatistics.FromScores(valuesByChunk.SelectMany(v => v));
        return new BarrierStatistics(
            new DatasetStats(statistics.Mean, statistics.StdDev, DatasetSource), valuesByChunk.Sum(v => v.Length));
    }
}

/// <summary>Statistics computed at a barrier and how many problems they cover.</summary>
/// <param name="Stats">μ and σ, source <see cref="PhaseStatistics.DatasetSource"/>.</param>
/// <param name="Problems">Barrier values aggregated.</param>
public sealed record BarrierStatistics(DatasetStats Stats, int Problems);
