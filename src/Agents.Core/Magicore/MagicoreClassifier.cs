using Agents.Core.Answers;
using Agents.Core.Voting;

namespace Agents.Core.Magicore;

/// <summary>MAgICoRe's difficulty classifier (docs/algorithms.md §1.4): pure arithmetic over a pool, M and the dataset statistics.</summary>
public static class MagicoreClassifier
{
    /// <summary>
    /// The plain-count majority answer M (<c>Counter.most_common(1)</c>): empty answers form their own key and can win
    /// (then M is null), ties go to the key seen first.
    /// </summary>
    public static string? PlainMajority(IReadOnlyList<ScoredChain> pool, VoteKey key = VoteKey.Raw)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var winner = MajorityVote.Select([.. pool.Select(c => c.Answer)], key, dropEmpty: false).Answer;
        return string.IsNullOrWhiteSpace(winner) ? null : winner;
    }

    /// <summary>Classifies a pool as easy or hard against the majority <paramref name="majority"/> and the dataset statistics.</summary>
    /// <remarks>
    /// The membership test <c>a ≡ M</c> is <see cref="AnswerEquivalence.AreEquivalent"/>, which never matches a blank
    /// answer. When M is empty, <paramref name="emptyMajorityMatchesEmpty"/> decides: true (the released code, whose
    /// equivalence holds for two missing answers) averages over the answerless chains; false matches no chain, so Q is
    /// NaN and condition 1 holds (the problem is easy).
    /// </remarks>
    public static Classification Classify(
        IReadOnlyList<ScoredChain> pool,
        string? majority,
        DatasetStatistics statistics,
        EquivalenceMode equivalence = EquivalenceModes.Default,
        bool emptyMajorityMatchesEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(statistics);
        var (q, matching) = MeanZOfMajority(pool, majority, statistics, equivalence, emptyMajorityMatchesEmpty);
        var cond1 = !(q < 0);
        var (hOrm, confOrm) = Confidence([.. pool.Select(c => (c.Answer, c.Orm))]);
        var (hPrm, confPrm) = Confidence([.. pool.Select(c => (c.Answer, c.Prm))]);
        var hard = !cond1 && (confOrm < Classification.ConfidenceThreshold || confPrm < Classification.ConfidenceThreshold);
        return new Classification(majority, matching, q, cond1, hOrm, hPrm, confOrm, confPrm, hard);
    }

    /// <summary>Classifies a pool with the equivalence and empty-majority rule of <paramref name="options"/>.</summary>
    public static Classification Classify(IReadOnlyList<ScoredChain> pool, string? majority, DatasetStatistics statistics, MagicoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Classify(pool, majority, statistics, options.Equivalence, options.EmptyMajorityMatchesEmpty);
    }

    /// <summary>
    /// Q: the mean z-score of the chains whose answer is equivalent to M, with how many matched; NaN when none. With
    /// <paramref name="emptyMajorityMatchesEmpty"/> an empty M matches exactly the answerless chains.
    /// </summary>
    public static (double Q, int Matching) MeanZOfMajority(
        IReadOnlyList<ScoredChain> pool,
        string? majority,
        DatasetStatistics statistics,
        EquivalenceMode equivalence = EquivalenceModes.Default,
        bool emptyMajorityMatchesEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(statistics);
        var emptyMajority = string.IsNullOrWhiteSpace(majority);
        var sum = 0.0;
        var count = 0;
        foreach (var chain in pool)
        {
            var matches = emptyMajority
                ? emptyMajorityMatchesEmpty && !chain.HasAnswer
                : AnswerEquivalence.AreEquivalent(chain.Answer, majority, equivalence);
            if (matches)
            {
                sum += statistics.Z(chain.Combined);
                count++;
            }
        }

        return (count == 0 ? double.NaN : sum / count, count);
    }

    /// <summary>
    /// Entropy H (natural log) of the weight-normalised answer distribution over all chains (the empty answer is its own
    /// key; keys are raw strings) and the confidence <c>2(1 − sigmoid(H))</c>. Zero total weight gives NaN for both, as
    /// scipy does, and a NaN confidence never counts as low.
    /// </summary>
    public static (double Entropy, double Confidence) Confidence(IReadOnlyList<(string? Answer, double Weight)> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = 0.0;
        foreach (var (answer, weight) in chains)
        {
            var key = VoteKeys.KeyOf(answer, VoteKey.Raw);
            weights[key] = weights.GetValueOrDefault(key) + weight;
            total += weight;
        }

        if (!(total > 0))
        {
            return (double.NaN, double.NaN);
        }

        var entropy = 0.0;
        foreach (var w in weights.Values)
        {
            var q = w / total;
            if (q > 0)
            {
                entropy -= q * Math.Log(q);
            }
        }

        return (entropy, 2 * (1 - Sigmoid(entropy)));
    }

    /// <summary>The logistic function <c>1 / (1 + e^−x)</c>.</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
