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
/// <param name="IterationStatistics">The statistics each iteration 1..T classified with (index t − 1).</param>
public sealed record MagicoreRun(
    ImmutableArray<MagicoreProblemResult> Problems,
    DatasetStatistics Statistics,
    IReadOnlyDictionary<string, string> Switches,
    ImmutableArray<DatasetStatistics> IterationStatistics);

/// <summary>
/// A pure, synchronous reference implementation of the whole MAgICoRe algorithm (docs/algorithms.md) over a dataset, for
/// tests and as the specification the grains follow asynchronously: coarse stage (k samples, scored), dataset barrier
/// (μ, σ from first chains; M per problem), then up to T iterations in which every hard problem has all k chains of its
/// pool annotated, reviewed and refined and the refined chains scored.
/// </summary>
/// <remarks>
/// What each iteration carries forward is <see cref="MagicorePools"/>'s rule: in code mode the next iteration works on
/// the refined chains (a problem judged easy reverts to its iteration-0 chains) and the reported answer votes over
/// <c>top_k(old ∪ refined)</c>; in paper mode the top k is carried. With
/// <see cref="MagicoreOptions.RecomputeStatsEachIteration"/>, M is recomputed from each problem's current pool and μ, σ
/// from <see cref="MagicorePools.StatisticsChain"/> of every current pool before each iteration t ≥ 2.
/// </remarks>
public static class MagicoreProcess
{
    /// <summary>Runs MAgICoRe over <paramref name="problems"/> with the given calls; <paramref name="seed"/> fixes the
    /// statistics draws of paper mode.</summary>
    public static MagicoreRun Run(IReadOnlyList<Problem> problems, MagicoreOptions options, MagicoreCalls calls, long seed = 0)
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
        var iterationStatistics = ImmutableArray.CreateBuilder<DatasetStatistics>(options.Iterations);
        for (var x = 0; x < n; x++)
        {
            var classification = MagicoreClassifier.Classify(initial[x], majority[x], statistics, options);
            rounds[x] = [Record(0, classification, initial[x], options)];
        }

        for (var t = 1; t <= options.Iterations; t++)
        {
            if (options.RecomputeStatsEachIteration && t > 1)
            {
                statistics = DatasetStatistics.FromScores(Enumerable.Range(0, n)
                    .Select(x => MagicorePools.StatisticsChain(classifyPool[x], problems[x].Id, t, seed).Combined));
                for (var x = 0; x < n; x++)
                {
                    majority[x] = MagicoreClassifier.PlainMajority(classifyPool[x], options.VoteKey);
                }
            }

            iterationStatistics.Add(statistics);
            for (var x = 0; x < n; x++)
            {
                var problem = problems[x];
                var pool = classifyPool[x];
                var classification = MagicoreClassifier.Classify(pool, majority[x], statistics, options);
                PoolStep step;
                if (classification.Easy)
                {
                    step = MagicorePools.AfterEasy(options, initial[x], pool);
                }
                else
                {
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
                    step = MagicorePools.AfterRefinement(options, pool, fresh);
                }

                classifyPool[x] = step.Next;
                reportPool[x] = step.Reported;
                rounds[x].Add(Record(t, classification, step.Reported, options));
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

        return new MagicoreRun(results.MoveToImmutable(), firstStatistics, options.Switches(), iterationStatistics.MoveToImmutable());
    }

    private static RoundRecord Record(int round, Classification classification, ImmutableArray<ScoredChain> pool, MagicoreOptions options) =>
        new(round, classification.Hard, classification, [.. pool.Select(c => c.Answer)], PoolSelection.Vote(pool, options.VoteKey).Answer);
}
