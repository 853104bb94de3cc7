using System.Globalization;
using Agents.Contracts.Scoring;
using Agents.Core.Magicore;
using Agents.Core.Strategies;
using Agents.Core.Tracing;
using Agents.Core.Voting;
using Agents.Grains.Solving;

namespace Agents.Grains.Runs.Strategies;

/// <summary>Agent calls every strategy shares: the Solver's k-sample draw and the reward models' scores.</summary>
internal static class CommonSteps
{
    /// <summary>Scorer role in ledgers and transcripts (one call scores ORM and PRM; the ledger splits them).</summary>
    public const string Scorer = "scorer";

    /// <summary>Ledger role of outcome reward passes.</summary>
    public const string Orm = "orm";

    /// <summary>Ledger role of process reward passes.</summary>
    public const string Prm = "prm";

    /// <summary>Draws the k samples of round 0 (memoized as one step); <paramref name="maxTokens"/> defaults to the spec's.</summary>
    public static Task<SolveResult> DrawAsync(
        RunContext ctx, int count, double temperature, double topP, CancellationToken ct, int? maxTokens = null, string promptStyle = "", int firstChoice = 0)
    {
        var problem = ctx.Problem;
        var request = new SolveRequest("", problem.Id, problem.Question, count, temperature, topP, maxTokens ?? ctx.Spec.MaxTokens, ctx.Spec.Model, 0, ctx.Spec.Seed, promptStyle, firstChoice);
        return ctx.StepAsync(firstChoice == 0 ? "solve/0" : $"solve/0/from{firstChoice}", SolverGrain.Role, 0,
            () => ctx.Grains.GetGrain<ISolverGrain>(0).SolveAsync(request, ct),
            r => r.Usage,
            r =>
            {
                ctx.Record("run", SolverGrain.Role, "solve-request", 0, $"k={count} temperature={temperature}{(r.Prefill is { } p ? $" prefill={p}" : "")}\n{r.Prompt}");
                for (var i = 0; i < r.Samples.Length; i++)
                {
                    ctx.Record(SolverGrain.Role, "run", "sample", 0, r.Samples[i].Solution.Text, i == 0 ? r.Usage : null);
                }
            });
    }

    /// <summary>Scores chains (memoized under <paramref name="key"/>); returns scored chains in order.</summary>
    public static async Task<ImmutableArray<ScoredChain>> ScoreAsync(
        RunContext ctx, string key, int round, IReadOnlyList<Solution> solutions, bool processScores, bool robustSteps, CancellationToken ct, int firstIndex = 0)
    {
        var chains = solutions.Select((s, i) => new ChainToScore(
            s.Text, [.. StepSegmentation.Segment(s.Text, robustSteps)], s.Answer is { Length: > 0 }, ctx.Seed(Scorer, round, firstIndex + i))).ToImmutableArray();
        var request = new ScoreRequest(ctx.Problem.Question, chains, ctx.Spec.Reward, processScores, OutcomeScores: true);
        var result = await ctx.StepAsync(key, round,
            () => ctx.Grains.GetGrain<IScorerGrain>(0).ScoreAsync(request, ct),
            RewardUsage,
            r => ctx.Record(Scorer, "run", "scores", round,
                string.Join('\n', r.Scores.Select((c, i) => $"chain {firstIndex + i}: orm={c.Outcome:F3} prm=[{string.Join(", ", c.StepScores.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))}]")),
                r.Orm + r.Prm,
                TraceData.Scores(Chains(solutions, r, round, firstIndex))));
        return Chains(solutions, result, round, firstIndex);
    }

    private static ImmutableArray<ScoredChain> Chains(IReadOnlyList<Solution> solutions, ScoreResult result, int round, int firstIndex) =>
        [.. solutions.Select((s, i) => ScoredChain.Create(s.Text, s.Answer, result.Scores[i].Outcome, result.Scores[i].StepScores, round, firstIndex + i))];

    /// <summary>The ledger roles of a scoring call: ORM and PRM passes are booked separately.</summary>
    public static ImmutableDictionary<string, TokenUsage> RewardUsage(ScoreResult result) =>
        ImmutableDictionary<string, TokenUsage>.Empty.Add(Orm, result.Orm).Add(Prm, result.Prm);

    /// <summary>
    /// The memo key of the step that scores a round's chains from <paramref name="firstIndex"/> on: the round's own, or
    /// that of a draw which continued a problem's chains at that index (MAgICoRe's split draw).
    /// </summary>
    public static string ScoreKey(int round, int firstIndex = 0) => firstIndex == 0 ? $"score/{round}" : $"score/{round}/from{firstIndex}";

    /// <summary>PRM step scores of a chain from the scoring step that scored it (empty when the PRM was skipped).</summary>
    private static ImmutableArray<double> StepScores(RunContext ctx, ScoredChain chain) =>
        chain.Round == 0 && chain.Index > 0 && ctx.Peek<ScoreResult>(ScoreKey(0, 1)) is { } continued
            ? continued.Scores[chain.Index - 1].StepScores
            : ctx.Peek<ScoreResult>(ScoreKey(chain.Round)) is { } r ? r.Scores[chain.Index].StepScores : [];

    /// <summary>
    /// Step scores for annotating a pool: chains scored without the PRM (no answer) get one PRM pass now (memoized under
    /// <paramref name="key"/>), as the released code annotates every chain of a hard problem.
    /// </summary>
    public static async Task<ImmutableArray<double>[]> AnnotationScoresAsync(
        RunContext ctx, string key, int round, IReadOnlyList<ScoredChain> pool, bool robustSteps, CancellationToken ct)
    {
        var scores = pool.Select(c => StepScores(ctx, c)).ToArray();
        var missing = Enumerable.Range(0, pool.Count).Where(j => scores[j].IsDefaultOrEmpty).ToArray();
        if (missing.Length == 0)
        {
            return scores;
        }

        var chains = missing.Select(j => new ChainToScore(
            pool[j].Text, [.. StepSegmentation.Segment(pool[j].Text, robustSteps)], HasAnswer: true, ctx.Seed(Scorer, round, 1000 + j))).ToImmutableArray();
        var request = new ScoreRequest(ctx.Problem.Question, chains, ctx.Spec.Reward, ProcessScores: true, OutcomeScores: false);
        var result = await ctx.StepAsync(key, round, () => ctx.Grains.GetGrain<IScorerGrain>(0).ScoreAsync(request, ct), RewardUsage);
        for (var m = 0; m < missing.Length; m++)
        {
            scores[missing[m]] = result.Scores[m].StepScores;
        }

        return scores;
    }
}

/// <summary><c>cot</c> and <c>sc</c>: one draw, then the greedy answer or the majority vote.</summary>
internal sealed class SamplingStrategy : IRunStrategy
{
    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var draw = await CommonSteps.DrawAsync(ctx, ctx.Spec.K, ctx.Spec.Temperature, ctx.Spec.TopP, ct);
        var decision = StrategyDecisions.Decide(ctx.Spec, [.. draw.Samples.Select(s => s.Solution)]);
        ctx.Record("run", "run", "decision", 0, decision.Explanation, data: TraceData.Decision(decision.Answer));
        return new PhaseOutcome(null, new StrategyOutcome(decision.Answer, 0, [decision.Answer], ImmutableDictionary<string, string>.Empty, draw.SamplingMethod));
    }
}

/// <summary><c>bok</c> (best of k by ORM, docs/algorithms.md §4.3) and <c>rmv</c> (RM-weighted vote, §4.4).</summary>
internal sealed class RewardStrategy(bool weightedVote) : IRunStrategy
{
    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var draw = await CommonSteps.DrawAsync(ctx, ctx.Spec.K, ctx.Spec.Temperature, ctx.Spec.TopP, ct);
        var pool = await CommonSteps.ScoreAsync(ctx, CommonSteps.ScoreKey(0), 0, [.. draw.Samples.Select(s => s.Solution)], processScores: weightedVote, robustSteps: true, ct);
        string? answer;
        string explanation;
        if (weightedVote)
        {
            var vote = PoolSelection.Vote(pool, VoteKeys.Parse(ctx.Spec.VoteKey));
            (answer, explanation) = (vote.Answer, $"RM-weighted vote (c = ORM + PRM product): '{vote.Answer}' with weight {vote.Score:F3} over {vote.Distinct} answers");
        }
        else
        {
            // Ties go to the first chain (docs/algorithms.md §4.3).
            var best = pool.Select((c, i) => (c, i)).OrderByDescending(x => x.c.Orm).ThenBy(x => x.i).First();
            (answer, explanation) = (best.c.Answer, $"best of {pool.Length} by ORM: chain {best.i} (o = {best.c.Orm:F3}) answers '{best.c.Answer}'");
        }

        ctx.Record("run", "run", "decision", 0, explanation, data: TraceData.Decision(answer));
        return new PhaseOutcome(null, new StrategyOutcome(answer, 0, [answer], ImmutableDictionary<string, string>.Empty, draw.SamplingMethod));
    }
}
