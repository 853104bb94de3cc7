using Agents.Core.Voting;

namespace Agents.Core.Magicore;

/// <summary>MAgICoRe's pool update and final aggregation (docs/algorithms.md §1.4, <c>utils.get_top_k</c>).</summary>
public static class PoolSelection
{
    /// <summary>
    /// The <paramref name="k"/> chains of <c>old ∪ refined</c> with the largest combined score <c>c</c>. The sort is
    /// stable like Python's <c>sorted(reverse=True)</c>: equal scores keep their concatenation order, so old chains come
    /// before refined ones and lower indices before higher.
    /// </summary>
    public static ImmutableArray<ScoredChain> TopK(IReadOnlyList<ScoredChain> old, IReadOnlyList<ScoredChain> refined, int k)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(refined);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return [.. old.Concat(refined).OrderByDescending(c => c.Combined).Take(k)];
    }

    /// <summary>The RM-weighted vote over a pool: weights <c>c = o + s</c>, blank answers excluded, ties to the first key.</summary>
    public static VoteOutcome Vote(IReadOnlyList<ScoredChain> pool, VoteKey key = VoteKey.Raw)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return WeightedVote.Select([.. pool.Select(c => (c.Answer, c.Combined))], key);
    }
}
