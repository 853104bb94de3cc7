namespace Agents.Core.Voting;

/// <summary>Reward-weighted vote: MAgICoRe's coarse aggregator (docs/algorithms.md §1.4, §4.4).</summary>
public static class WeightedVote
{
    /// <summary>
    /// Picks the key with the largest summed weight over non-empty answers; ties go to the key inserted first
    /// (Python dict order). <see cref="VoteOutcome.Score"/> is the winner's summed weight.
    /// </summary>
    public static VoteOutcome Select(IReadOnlyList<(string? Answer, double Weight)> chains, VoteKey key)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var groups = new Dictionary<string, (int Order, string? First, int Count, double Weight)>(StringComparer.Ordinal);
        foreach (var (answer, weight) in chains)
        {
            if (string.IsNullOrWhiteSpace(answer))
            {
                continue;
            }

            var k = VoteKeys.KeyOf(answer, key);
            groups[k] = groups.TryGetValue(k, out var g)
                ? g with { Count = g.Count + 1, Weight = g.Weight + weight }
                : (groups.Count, answer, 1, weight);
        }

        if (groups.Count == 0)
        {
            return VoteOutcome.None;
        }

        var best = groups.Values.First();
        foreach (var g in groups.Values)
        {
            if (g.Weight > best.Weight || (g.Weight.Equals(best.Weight) && g.Order < best.Order))
            {
                best = g;
            }
        }

        return new VoteOutcome(best.First, best.Weight, best.Count, groups.Count);
    }
}
