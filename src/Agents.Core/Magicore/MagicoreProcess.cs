namespace Agents.Core.Magicore;

/// <summary>The model and reward-model calls the reference driver makes; each is one call (n = 1).</summary>
/// <param name="Solve">Solver sample <c>(problem, index)</c> → chain text.</param>
/// <param name="Score">Extract, ORM and PRM on <c>(problem, text, round, index)</c> → scored chain.</param>
/// <param name="Annotate">Annotates a pool chain with its PRM step scores (" (Score: n/10)" per step).</param>
/// <param name="Review">Reviewer <c>(problem, annotated chain, round, index)</c> → feedback.</param>
/// <param name="Refine">Refiner <c>(problem, annotated chain, feedback, round, index)</c> → refined chain text.</param>
public sealed record MagicoreCalls(
    Func<Problem, int, string> Solve,
    Func<Problem, string, int, int, ScoredChain> Score,
    Func<Problem, ScoredChain, string> Annotate,
    Func<Problem, string, int, int, string> Review,
    Func<Problem, string, string, int, int, string> Refine);

/// <summary>One problem's outcome in a reference run.</summary>
/// <param name="ProblemId">The problem.</param>
/// <param name="Rounds">Round 0 (coarse) then one record per iteration 1..T.</param>
/// <param name="FinalPool">The pool the last round reports.</param>
/// <param name="FinalAnswer">The RM-weighted vote over <see cref="FinalPool"/>.</param>
/// <param name="RefinedRounds">Iterations in which the problem was refined.</param>
/// <param name="Generations">Solver, reviewer and refiner calls made for this problem.</param>
public sealed record MagicoreProblemResult(
    string ProblemId,
    ImmutableArray<RoundRecord> Rounds,
    ImmutableArray<ScoredChain> FinalPool,
    string? FinalAnswer,
    int RefinedRounds,
    int Generations);

/// <summary>The outcome of a reference run over a dataset.</summary>
/// <param name="Problems">Per-problem results in dataset order.</param>
/// <param name="Statistics">The normalisation used in iteration 1 (from the first chain of every problem).</param>
/// <param name="Switches">The options' switches, for the run summary.</param>
public sealed record MagicoreRun(
    ImmutableArray<MagicoreProblemResult> Problems,
    DatasetStatistics Statistics,
    IReadOnlyDictionary<string, string> Switches);

/// <summary>
/// A pure, synchronous reference implementation of the whole MAgICoRe algorithm (ALGORITHMS §1.3) over a dataset, for
/// tests and as the specification the grains follow asynchronously: coarse stage (k samples, scored), dataset barrier
/// (μ, σ from first chains; M per problem), then up to T iterations in which every hard problem has all k chains of its
/// pool annotated, reviewed and refined, the refined chains scored and the pool replaced by the top k of old ∪ new.
/// </summary>
/// <remarks>
/// Pool semantics follow <see cref="MagicoreOptions.CarryLatestPool"/>: when false (code), a problem judged easy in
/// iteration t reports its current pool at t but is classified at t + 1 on its iteration-0 pool. With
/// <see cref="MagicoreOptions.RecomputeStatsEachIteration"/>, M is recomputed from each problem's current pool and μ, σ
/// from the first (highest-scoring) chain of every current pool before each iteration.
/// </remarks>
public static class MagicoreProcess
{
    /// <summary>Runs MAgICoRe over <paramref name="problems"/> with the given calls.</summary>
    public static MagicoreRun Run(IReadOnlyList<Problem> problems, MagicoreOptions options, MagicoreCalls calls)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calls);
        var k = options.K;
        var n = problems.Count;
        var initial = new ImmutableArray<ScoredChain>[n];
        var classifyPool = new ImmutableArray<ScoredChain>[n];
        var reportPool = new ImmutableArray<ScoredChain>[n];
        var majority = new string?[n];
        var rounds = new List<RoundRecord>[n];
        var refined = new int[n];
        var generations = new int[n];

        for (var x = 0; x < n; x++)
        {
            var problem = problems[x];
            var pool = ImmutableArray.CreateBuilder<ScoredChain>(k);
            for (var j = 0; j < k; j++)
            {
                pool.Add(calls.Score(problem, calls.Solve(problem, j), 0, j));
            }

            generations[x] = k;
            initial[x] = classifyPool[x] = reportPool[x] = pool.MoveToImmutable();
            majority[x] = MagicoreClassifier.PlainMajority(initial[x], options.VoteKey);
        }

        var statistics = DatasetStatistics.FromFirstChains(initial.Select(p => (IReadOnlyList<ScoredChain>)p));
        var firstStatistics = statistics;
        for (var x = 0; x < n; x++)
        {
            var classification = MagicoreClassifier.Classify(initial[x], majority[x], statistics, options.Equivalence);
            rounds[x] = [Record(0, classification, initial[x], options)];
        }

        for (var t = 1; t <= options.Iterations; t++)
        {
            if (options.RecomputeStatsEachIteration && t > 1)
            {
                statistics = DatasetStatistics.FromFirstChains(classifyPool.Select(p => (IReadOnlyList<ScoredChain>)p));
                for (var x = 0; x < n; x++)
                {
                    majority[x] = MagicoreClassifier.PlainMajority(classifyPool[x], options.VoteKey);
                }
            }

            for (var x = 0; x < n; x++)
            {
                var problem = problems[x];
                var pool = classifyPool[x];
                var classification = MagicoreClassifier.Classify(pool, majority[x], statistics, options.Equivalence);
                if (classification.Easy)
                {
                    reportPool[x] = pool;
                    classifyPool[x] = options.CarryLatestPool ? pool : initial[x];
                    rounds[x].Add(Record(t, classification, pool, options));
                    continue;
                }

                var fresh = new List<ScoredChain>(pool.Length);
                for (var j = 0; j < pool.Length; j++)
                {
                    var annotated = calls.Annotate(problem, pool[j]);
                    var feedback = calls.Review(problem, annotated, t, j);
                    var text = calls.Refine(problem, annotated, feedback, t, j);
                    fresh.Add(calls.Score(problem, text, t, j));
                }

                generations[x] += 2 * pool.Length;
                refined[x]++;
                var next = PoolSelection.TopK(pool, fresh, k);
                reportPool[x] = classifyPool[x] = next;
                rounds[x].Add(Record(t, classification, next, options));
            }
        }

        var results = ImmutableArray.CreateBuilder<MagicoreProblemResult>(n);
        for (var x = 0; x < n; x++)
        {
            results.Add(new MagicoreProblemResult(
                problems[x].Id,
                [.. rounds[x]],
                reportPool[x],
                PoolSelection.Vote(reportPool[x], options.VoteKey).Answer,
                refined[x],
                generations[x]));
        }

        return new MagicoreRun(results.MoveToImmutable(), firstStatistics, options.Switches());
    }

    private static RoundRecord Record(int round, Classification classification, ImmutableArray<ScoredChain> pool, MagicoreOptions options) =>
        new(round, classification.Hard, classification, [.. pool.Select(c => c.Answer)], PoolSelection.Vote(pool, options.VoteKey).Answer);
}
