using Agents.Core.Solving;

namespace Agents.Core.Magicore;

/// <summary>The pools one MAgICoRe iteration leaves behind for one problem.</summary>
/// <param name="Next">The chains the next iteration classifies (and refines when it is hard).</param>
/// <param name="Reported">The chains the answer reported after this iteration votes over.</param>
public sealed record PoolStep(ImmutableArray<ScoredChain> Next, ImmutableArray<ScoredChain> Reported);

/// <summary>
/// What each MAgICoRe iteration carries forward (docs/algorithms.md, "MAgICoRe: pools and statistics"), shared by the
/// reference driver and the run grain so the two cannot drift apart.
/// </summary>
public static class MagicorePools
{
    /// <summary>Ledger/seed role name of the statistics draw (never sent to a model).</summary>
    public const string StatisticsRole = "magicore-statistics";

    /// <summary>
    /// A problem judged easy reports its current pool as it stands; the next iteration classifies that pool again
    /// (<see cref="MagicoreOptions.CarryLatestPool"/>) or the problem's iteration-0 chains (the code).
    /// </summary>
    public static PoolStep AfterEasy(MagicoreOptions options, ImmutableArray<ScoredChain> initial, ImmutableArray<ScoredChain> current)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PoolStep(options.CarryLatestPool ? current : initial, current);
    }

    /// <summary>
    /// A refined problem reports the top k of its classified pool and the refined chains; the next iteration works on
    /// the refined chains alone (<see cref="MagicoreOptions.NextPoolRefined"/>, the code) or on that top k (paper).
    /// </summary>
    public static PoolStep AfterRefinement(MagicoreOptions options, ImmutableArray<ScoredChain> current, IReadOnlyList<ScoredChain> refined)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(refined);
        var top = PoolSelection.TopK(current, refined, options.K);
        return new PoolStep(options.NextPoolRefined ? [.. refined] : top, top);
    }

    /// <summary>
    /// The chain whose combined score represents a problem in the statistics (μ, σ) of iteration
    /// <paramref name="iteration"/>: for iteration 1 the first of the k independent samples (as the code), later (paper
    /// mode) a chain drawn uniformly from the problem's current pool with a seed of (run seed, problem, iteration), so
    /// refined and unrefined problems are represented the same way: by a typical chain, not by their best one.
    /// </summary>
    public static ScoredChain StatisticsChain(IReadOnlyList<ScoredChain> pool, string problemId, int iteration, long seed)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfZero(pool.Count);
        if (iteration <= 1)
        {
            return pool[0];
        }

        var draw = SampleSeed.Derive("", problemId, StatisticsRole, iteration, seed);
        return pool[(int)(draw % pool.Count)];
    }
}
