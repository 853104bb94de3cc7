using System.Globalization;
using Agents.Contracts.Refining;
using Agents.Contracts.Scoring;
using Agents.Core.Answers;
using Agents.Core.Magicore;
using Agents.Core.Solving;
using Agents.Core.Tracing;
using Agents.Core.Voting;
using Agents.Inference;

namespace Agents.Grains.Runs.Strategies;

/// <summary>
/// <c>magicore</c> (docs/algorithms.md) for one problem, one phase per dataset barrier: phase 0 draws and scores k
/// chains (with a split draw, phase 0 the statistics chain and phase 1 the other k − 1); iteration t (1..T, in phase
/// t, or t + 1 after a split draw) classifies the pool with the μ, σ the job computed over every problem, and if hard has all
/// k chains annotated with their step scores, reviewed, refined and re-scored; what the next phase works on and what
/// it reports follow <see cref="MagicorePools"/>.
/// Earlier phases replay from the run's memoized steps; the rules (classification, pool, vote) are Agents.Core's.
/// </summary>
internal sealed class MagicoreStrategy : IRunStrategy
{
    /// <summary>Options from a spec: mode preset, then k, T, sampling, vote key and equivalence from the spec.</summary>
    public static MagicoreOptions OptionsFor(StrategySpec spec)
    {
        return MagicoreOptions.For(MagicoreRunOptions.Codec.Read(spec.Options).Mode) with
        {
            K = spec.K,
            Iterations = spec.Rounds,
            Temperature = spec.Temperature,
            TopP = spec.TopP,
            MaxTokens = spec.MaxTokens,
            VoteKey = VoteKeys.Parse(spec.VoteKey),
            Equivalence = EquivalenceModes.Parse(spec.Equivalence),
        };
    }

    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var options = OptionsFor(ctx.Spec);
        // With a split draw, phase 0 draws and scores the statistics chain alone and phase 1 the other k − 1 chains, so
        // iteration t runs in phase t + 1; otherwise phase 0 is the whole draw and iteration t runs in phase t.
        var firstIteration = MagicoreRunOptions.DrawPhases(ctx.Spec);
        var split = firstIteration > 1;
        var iterations = phase - firstIteration + 1;
        var promptStyle = options.ReleasedSolverPrompt ? SolverPromptStyles.Released : "";
        var draw = await CommonSteps.DrawAsync(ctx, split ? 1 : options.K, options.Temperature, options.TopP, ct, promptStyle: promptStyle);
        var initial = await CommonSteps.ScoreAsync(ctx, CommonSteps.ScoreKey(0), 0, [.. draw.Samples.Select(s => s.Solution)], true, options.RobustStepSegmentation, ct);
        if (split && iterations < 0)
        {
            await ctx.CheckpointAsync();
            return new PhaseOutcome(MagicorePools.StatisticsChain(initial, ctx.Problem.Id, 1, ctx.Spec.Seed).Combined, null);
        }

        if (split && options.K > 1)
        {
            var rest = await CommonSteps.DrawAsync(ctx, options.K - 1, options.Temperature, options.TopP, ct, promptStyle: promptStyle, firstChoice: 1);
            initial = initial.AddRange(await CommonSteps.ScoreAsync(
                ctx, CommonSteps.ScoreKey(0, 1), 0, [.. rest.Samples.Select(s => s.Solution)], true, options.RobustStepSegmentation, ct, firstIndex: 1));
        }

        await ctx.CheckpointAsync();
        var majority = MagicoreClassifier.PlainMajority(initial, options.VoteKey);
        var classifyPool = initial;
        var reportPool = initial;
        var roundAnswers = new List<string?> { PoolSelection.Vote(initial, options.VoteKey).Answer };
        var details = ImmutableDictionary.CreateBuilder<string, string>();
        var refined = 0;
        for (var t = 1; t <= iterations; t++)
        {
            // Code mode classifies every iteration with iteration 0's statistics and majority; paper mode recomputes both.
            // Statistics are kept by the phase they were handed to: iteration t's (a split draw's second phase needs none,
            // so a job may run it before the statistics are known).
            var stats = ctx.PhaseStats[(options.RecomputeStatsEachIteration ? t : 1) + firstIteration - 1];
            if (options.RecomputeStatsEachIteration && t > 1)
            {
                majority = MagicoreClassifier.PlainMajority(classifyPool, options.VoteKey);
            }

            var statistics = new DatasetStatistics(stats.Mean, stats.StdDev);
            var classification = MagicoreClassifier.Classify(classifyPool, majority, statistics, options);
            details[$"round{t}"] = Describe(classification, stats);
            if (t == iterations)
            {
                ctx.Record("run", "run", "classification", t, $"iteration {t}: {details[$"round{t}"]}",
                    data: TraceData.Classification(t, classification, statistics));
            }

            PoolStep step;
            if (classification.Easy)
            {
                step = MagicorePools.AfterEasy(options, initial, classifyPool);
            }
            else
            {
                var fresh = await RefineAsync(ctx, options, classifyPool, t, ct);
                refined++;
                step = MagicorePools.AfterRefinement(options, classifyPool, fresh);
            }

            classifyPool = step.Next;
            reportPool = step.Reported;
            roundAnswers.Add(PoolSelection.Vote(reportPool, options.VoteKey).Answer);
        }

        // The next barrier aggregates one chain of every problem's next pool (MagicorePools.StatisticsChain).
        var barrier = MagicorePools.StatisticsChain(classifyPool, ctx.Problem.Id, iterations + 1, ctx.Spec.Seed).Combined;
        var vote = PoolSelection.Vote(reportPool, options.VoteKey);
        if (iterations < options.Iterations)
        {
            ctx.Record("run", "run", "decision", iterations,
                $"answer reported after iteration {iterations}: '{vote.Answer}' (RM-weighted vote, weight {vote.Score:F3})", data: TraceData.Decision(vote.Answer));
            return new PhaseOutcome(barrier, null);
        }

        ctx.Record("run", "run", "decision", iterations,
            $"RM-weighted vote over the final pool: '{vote.Answer}' (weight {vote.Score:F3}); refined in {refined} of {options.Iterations} iterations",
            data: TraceData.Decision(vote.Answer));
        foreach (var (name, value) in options.Switches())
        {
            details[name] = value;
        }

        details["stats_source"] = ctx.PhaseStats.TryGetValue(firstIteration, out var first) ? first.Source : "none";
        if (split)
        {
            details["draw"] = "split";
        }

        if (draw.Prefill is { } prefill)
        {
            // Whether the backend continued the solver's "Step 1:" prefill (docs/inference.md, "Prefilled assistant turns").
            details["solver_prefill"] = prefill;
        }

        return new PhaseOutcome(barrier, new StrategyOutcome(vote.Answer, refined, [.. roundAnswers], details.ToImmutable(), draw.SamplingMethod));
    }

    private static async Task<ImmutableArray<ScoredChain>> RefineAsync(
        RunContext ctx, MagicoreOptions options, ImmutableArray<ScoredChain> pool, int t, CancellationToken ct)
    {
        // The PRM scores a chain got when it was scored annotate it ("(Score: n/10)" per step); same PRM, same input.
        var stepScores = await CommonSteps.AnnotationScoresAsync(ctx, $"annotate/{t}", t, pool, options.RobustStepSegmentation, ct);
        var annotated = pool.Select((c, j) => ChainAnnotation.Annotate(c.Text, stepScores[j], options.RobustStepSegmentation)).ToArray();
        var temperature = options.Temperature;
        // Chain j's refinement needs only chain j's review, so each chain runs review → refine on its own: a refinement
        // starts as soon as its review returns instead of after the slowest of the k reviews (the dependent steps of the
        // last hard problems are a job's tail). Same calls, seeds and keys as k reviews then k refinements; the transcript
        // takes the fresh replies afterwards in chain order (feedback 0..k-1, then refinements 0..k-1), and one checkpoint
        // persists steps and transcript together.
        // Slot j holds chain j's fresh feedback, slot k + j its fresh refinement: the transcript's order.
        var replies = new (string Kind, AgentReply Reply)?[2 * pool.Length];
        var refinements = await Task.WhenAll(pool.Select(async (_, j) =>
        {
            var review = await ctx.StepAsync($"review/{t}/{j}", ModelRoles.Reviewer, t,
                () => ctx.Grains.GetGrain<IReviewerGrain>(0).ReviewAsync(
                    new ReviewRequest(ctx.Problem.Question, annotated[j], ctx.Call(ModelRoles.Reviewer, t, j, temperature, options.MaxTokens, options.MinTokens)), ct),
                r => r.Usage,
                r => replies[j] = ("feedback", r));
            return await ctx.StepAsync($"refine/{t}/{j}", ModelRoles.Refiner, t,
                () => ctx.Grains.GetGrain<IRefinerGrain>(0).RefineAsync(
                    new RefineRequest(ctx.Problem.Question, annotated[j], review.Text, options.RefinerMultipleChoiceLine, ctx.Call(ModelRoles.Refiner, t, j, temperature, options.MaxTokens, options.MinTokens)), ct),
                r => r.Usage,
                r => replies[pool.Length + j] = ("refinement", r));
        }));
        for (var slot = 0; slot < replies.Length; slot++)
        {
            var j = slot % pool.Length;
            if (replies[slot] is ("feedback", { } feedback))
            {
                ctx.Record(ModelRoles.Reviewer, ModelRoles.Refiner, "feedback", t, $"chain {j}:\n{annotated[j]}\n---\n{feedback.Text}", feedback.Usage);
            }
            else if (replies[slot] is ("refinement", { } refined))
            {
                ctx.Record(ModelRoles.Refiner, "run", "refinement", t, $"chain {j}:\n{refined.Text}", refined.Usage);
            }
        }

        await ctx.CheckpointAsync();
        var solutions = refinements.Select(r => Core.Solving.SolutionParser.Parse(r.Text)).ToList();
        var fresh = await CommonSteps.ScoreAsync(ctx, CommonSteps.ScoreKey(t), t, solutions, true, options.RobustStepSegmentation, ct);
        if (options.DuplicatePrmScoring && ctx.Peek<ScoreResult>(CommonSteps.ScoreKey(t)) is { } scored)
        {
            // The released code runs the PRM over each refined chain twice (to annotate it and to score it); one result
            // serves both here, and code mode's ledger counts both passes.
            ctx.Book($"prm-annotate/{t}", t, CommonSteps.Prm, scored.Prm);
        }

        await ctx.CheckpointAsync();
        return fresh;
    }

    private static string Describe(Classification c, DatasetStats stats) => string.Create(CultureInfo.InvariantCulture,
        $"{(c.Hard ? "hard" : "easy")}; M='{c.Majority}' Q={c.Q:F3} cond1={c.Cond1} conf_orm={c.ConfidenceOrm:F3} conf_prm={c.ConfidencePrm:F3} (mu={stats.Mean:F3} sigma={stats.StdDev:F3}, {stats.Source})");
}
