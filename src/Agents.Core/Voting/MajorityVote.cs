namespace Agents.Core.Voting;

/// <summary>Plain-count majority vote over extracted answers (self-consistency, docs/algorithms.md §4.2).</summary>
public static class MajorityVote
{
    /// <summary>
    /// Picks the key with the most answers; ties go to the key seen first (Python <c>Counter.most_common</c> order).
    /// With <paramref name="dropEmpty"/> false, null/empty answers form their own key and can win, as in MAgICoRe.
    /// </summary>
    /// <remarks><see cref="VoteOutcome.Score"/> is the winner's share of the answers that voted.</remarks>
    public static VoteOutcome Select(IReadOnlyList<string?> answers, VoteKey key, bool dropEmpty)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var groups = new Dictionary<string, (int Order, string? First, int Count)>(StringComparer.Ordinal);
        var total = 0;
        foreach (var answer in answers)
        {
            if (dropEmpty && string.IsNullOrWhiteSpace(answer))
            {
                continue;
            }

            total++;
            var k = VoteKeys.KeyOf(answer, key);
            groups[k] = groups.TryGetValue(k, out var g) ? g with { Count = g.Count + 1 } : (groups.Count, answer, 1);
        }

        if (groups.Count == 0)
        {
            return VoteOutcome.None;
        }

        var best = groups.Values.First();
        foreach (var g in groups.Values)
        {
            // Strictly greater: among equal counts the earlier-inserted key stays.
            if (g.Count > best.Count || (g.Count == best.Count && g.Order < best.Order))
            {
                best = g;
            }
        }

        return new VoteOutcome(best.First, (double)best.Count / total, best.Count, groups.Count);
    }
}
