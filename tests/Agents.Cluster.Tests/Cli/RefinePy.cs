using Agents.Core.Answers;

namespace Agents.Cluster.Tests.Cli;

/// <summary>One chain as MAgICoRe's released code stores it: the parsed answer, the ORM score and the PRM step scores.</summary>
internal sealed record PyChain(string? Pred, double Orm, IReadOnlyList<double> Prm);

/// <summary>A problem's recorded chains: iteration 0's, and the refined chains of every iteration that refined it.</summary>
internal sealed record PyProblem(string Id, IReadOnlyList<PyChain> Iter0, IReadOnlyDictionary<int, IReadOnlyList<PyChain>> RefinedByIteration);

/// <summary>What the released loop decided for one problem in iteration n (reported as iteration n + 1).</summary>
/// <param name="NeedRefinement"><c>sample['need_refinement'] == 'yes'</c>.</param>
/// <param name="Cond1"><c>sample['cond1'] == 'true'</c>.</param>
/// <param name="Answer">The answer the evaluation block votes for after the iteration; null where Python would raise on
/// an empty vote (no chain has an answer).</param>
/// <param name="Replayed">False when the loop refined the problem but the transcript holds no refined chains for it.</param>
internal sealed record PyIteration(bool NeedRefinement, bool Cond1, string? Answer, bool Replayed);

/// <summary>The released loop's view of one problem.</summary>
internal sealed record PyResult(string Id, string? Majority, IReadOnlyList<PyIteration> Iterations);

/// <summary>
/// A line-by-line port of MAgICoRe's released <c>refine.py</c> main loop (lines 55-66: iteration-0 slots and the reward
/// mean/std of every problem's first chain; 68-116: condition 1, condition 2 and <c>need_refinement</c>; 118-182: the slot
/// iteration n + 1 works on, where lines 121-177 generate, score and store the refined chains, which this port reads
/// from a run's transcript instead; 184-215: the reported answer, <c>get_top_k</c> over <c>iter{n} + iter{n+1}</c> when
/// refined and the RM-weighted vote), with <c>utils.py</c> lines 75-76 (the plain-count majority) and 83-91
/// (<c>get_top_k</c>). It is kept apart from the product's own code on purpose: the conformance test compares the two.
/// </summary>
internal static class RefinePy
{
    public static (double Mean, double Std, IReadOnlyList<PyResult> Results) Run(IReadOnlyList<PyProblem> problems, int k, int iters)
    {
        // refine.py 55-59 (and utils.py 75-76 for 'majority', which the annotated file carries).
        var samples = problems.Select(p => new Sample(p, MostCommon(p.Iter0.Select(c => c.Pred).ToList()))).ToList();
        foreach (var sample in samples)
        {
            sample.Slots[0] = sample.Problem.Iter0;
        }

        // refine.py 61-66: np.mean / np.std (population) of orm[0] + prod(prm[0]).
        var allScores = samples.Select(s => s.Slots[0]![0].Orm + Product(s.Slots[0]![0].Prm)).ToList();
        var rewardAvg = allScores.Average();
        var rewardStd = Math.Sqrt(allScores.Sum(v => (v - rewardAvg) * (v - rewardAvg)) / allScores.Count);

        for (var n = 0; n < iters; n++)
        {
            // refine.py 70-116.
            foreach (var sample in samples)
            {
                var chains = sample.Slots.GetValueOrDefault(n);
                if (chains is null)
                {
                    sample.Decisions.Add(new PyIteration(false, true, null, Replayed: false));
                    continue;
                }

                var rewards = new List<double>();
                foreach (var c in chains)
                {
                    if (IsMathCorrect(c.Pred, sample.Majority))
                    {
                        var s = Product(c.Prm);
                        var reward = c.Orm + s;
                        reward = (reward - rewardAvg) / rewardStd;
                        rewards.Add(reward);
                    }
                }

                // np.mean([]) is NaN and NaN < 0.0 is False.
                var cond1 = !(Mean(rewards) < 0.0);
                var ormVotes = new Votes();
                var prmVotes = new Votes();
                foreach (var c in chains)
                {
                    var s = Product(c.Prm);
                    ormVotes.Add(c.Pred, c.Orm);
                    prmVotes.Add(c.Pred, s);
                }

                var ormConfidence = 2 * (1 - Sigmoid(Entropy(ormVotes.Weights)));
                var prmConfidence = 2 * (1 - Sigmoid(Entropy(prmVotes.Weights)));
                sample.NeedRefinement = !cond1 && (ormConfidence < 0.5 || prmConfidence < 0.5);
                sample.Cond1 = cond1;
            }

            // refine.py 118-182: a refined problem's next slot holds only its k refined chains; others get iteration 0's.
            foreach (var sample in samples.Where(s => s.Slots.GetValueOrDefault(n) is not null))
            {
                if (sample.NeedRefinement)
                {
                    sample.Slots[n + 1] = sample.Problem.RefinedByIteration.GetValueOrDefault(n + 1);
                }
                else
                {
                    sample.Slots[n + 1] = sample.Slots[0];
                }
            }

            // refine.py 184-215.
            foreach (var sample in samples.Where(s => s.Slots.GetValueOrDefault(n) is not null))
            {
                List<PyChain> pool;
                if (sample.NeedRefinement)
                {
                    if (sample.Slots[n + 1] is not { } refined)
                    {
                        sample.Decisions.Add(new PyIteration(true, sample.Cond1, null, Replayed: false));
                        continue;
                    }

                    pool = [.. sample.Slots[n]!, .. refined];
                }
                else
                {
                    pool = [.. sample.Slots[n]!];
                }

                // utils.get_top_k: a stable sort by orm + prod(prm), descending, first k.
                var top = pool.OrderByDescending(c => c.Orm + Product(c.Prm)).Take(k).ToList();
                var votes = new Votes();
                foreach (var c in top)
                {
                    if (!string.IsNullOrEmpty(c.Pred))
                    {
                        votes.Add(c.Pred, c.Orm + Product(c.Prm));
                    }
                }

                // max(votes, key=votes.get): the first key with the largest weight; Python raises on an empty dict.
                sample.Decisions.Add(new PyIteration(sample.NeedRefinement, sample.Cond1, votes.ArgMax(), Replayed: true));
            }
        }

        return (rewardAvg, rewardStd, [.. samples.Select(s => new PyResult(s.Problem.Id, s.Majority, s.Decisions))]);
    }

    // math_utils.is_math_correct: None ≡ None holds; a missing answer matches nothing else; otherwise numeric equivalence.
    private static bool IsMathCorrect(string? pred, string? gt) =>
        pred is null || gt is null ? pred is null && gt is null : AnswerEquivalence.AreEquivalent(pred, gt, EquivalenceMode.Numeric);

    // Counter(preds).most_common(1)[0][0]: the largest count, the first-inserted key among ties.
    private static string? MostCommon(IReadOnlyList<string?> preds)
    {
        var counts = new Votes();
        foreach (var p in preds)
        {
            counts.Add(p, 1);
        }

        return counts.ArgMax(includeNone: true);
    }

    // np.product
    private static double Product(IReadOnlyList<double> values)
    {
        var product = 1.0;
        foreach (var v in values)
        {
            product *= v;
        }

        return product;
    }

    private static double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();

    // scipy.stats.entropy(pk): pk / sum(pk), then -Σ p ln p with 0 ln 0 = 0; NaN when the sum is 0.
    private static double Entropy(IReadOnlyList<double> pk)
    {
        var total = pk.Sum();
        var entropy = 0.0;
        foreach (var w in pk)
        {
            var p = w / total;
            entropy += p > 0 ? -p * Math.Log(p) : p == 0 ? 0 : double.NaN;
        }

        return total == 0 ? double.NaN : entropy;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private sealed class Sample(PyProblem problem, string? majority)
    {
        public PyProblem Problem => problem;

        public string? Majority => majority;

        public Dictionary<int, IReadOnlyList<PyChain>?> Slots { get; } = [];

        public bool NeedRefinement { get; set; }

        public bool Cond1 { get; set; }

        public List<PyIteration> Decisions { get; } = [];
    }

    // A Python dict keyed by answer (None is a key), in insertion order.
    private sealed class Votes
    {
        private readonly List<(string? Key, double Weight)> _entries = [];

        public IReadOnlyList<double> Weights => [.. _entries.Select(e => e.Weight)];

        public void Add(string? key, double weight)
        {
            var i = _entries.FindIndex(e => e.Key == key);
            if (i < 0)
            {
                _entries.Add((key, weight));
            }
            else
            {
                _entries[i] = (key, _entries[i].Weight + weight);
            }
        }

        public string? ArgMax(bool includeNone = false)
        {
            string? best = null;
            var bestWeight = double.NegativeInfinity;
            var found = false;
            foreach (var (key, weight) in _entries)
            {
                if ((key is not null || includeNone) && (!found || weight > bestWeight))
                {
                    (best, bestWeight, found) = (key, weight, true);
                }
            }

            return best;
        }
    }
}
