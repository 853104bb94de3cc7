using Agents.Contracts.Refining;
using Agents.Core.Answers;
using Agents.Core.SelfRefine;
using Agents.Core.Tracing;
using Agents.Core.Voting;
using Agents.Inference;

namespace Agents.Grains.Runs.Strategies;

/// <summary>
/// <c>self-refine</c> (docs/algorithms.md, natural-language variant): k independent runs, each an initial solution
/// (greedy when k = 1, at most 300 tokens) then up to four rounds at T = 0.7 (at most 600 tokens) that stop when the
/// feedback says "it is correct"; one call per round (feedback then rewrite, the official loop) or, with the
/// <c>form=two-call</c> option, a feedback call and a rewrite call. The final answer is the majority over the runs' last
/// answers. Runs advance in lockstep so each round is one checkpoint.
/// </summary>
internal sealed class SelfRefineStrategy : IRunStrategy
{
    /// <summary>The options of a spec: the official defaults with the <c>form</c> option.</summary>
    public static SelfRefineOptions OptionsFor(StrategySpec spec) =>
        SelfRefineOptions.Default with { Form = SelfRefineRunOptions.Codec.Read(spec.Options).Form };

    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var options = OptionsFor(ctx.Spec);
        var runs = Math.Max(1, ctx.Spec.K);
        var rounds = ctx.Spec.Rounds > 0 ? ctx.Spec.Rounds : options.MaxAttempts;
        // One run starts greedy as the paper; k independent runs need diverse starts, so they sample.
        var draw = await CommonSteps.DrawAsync(ctx, runs, runs == 1 ? options.InitialTemperature : ctx.Spec.Temperature, ctx.Spec.TopP, ct, options.InitialMaxTokens);
        await ctx.CheckpointAsync();
        var current = draw.Samples.Select(s => s.Solution.Text).ToArray();
        var stopped = new bool[runs];
        var history = Enumerable.Range(0, runs).Select(_ => ImmutableArray.CreateBuilder<SelfRefineTurnRecord>()).ToArray();
        var key = VoteKeys.Parse(ctx.Spec.VoteKey);
        var roundAnswers = new List<string?> { Majority(current, key) };
        var performed = 0;
        for (var round = 1; round <= rounds && stopped.Contains(false); round++)
        {
            performed = round;
            var active = Enumerable.Range(0, runs).Where(i => !stopped[i]).ToArray();
            var outcomes = options.Form == SelfRefineForm.OneCall
                ? await OneCallRoundAsync(ctx, options, history, current, active, round, ct)
                : await TwoCallRoundAsync(ctx, options, history, current, active, round, ct);
            foreach (var (run, feedback, rewrite) in outcomes)
            {
                if (rewrite is null)
                {
                    stopped[run] = true;
                    continue;
                }

                history[run].Add(new SelfRefineTurnRecord(current[run], feedback, rewrite));
                current[run] = rewrite;
            }

            roundAnswers.Add(Majority(current, key));
            await ctx.CheckpointAsync();
        }

        var answer = roundAnswers[^1];
        ctx.Record("run", "run", "decision", performed,
            $"{runs} Self-Refine run(s); {stopped.Count(s => s)} stopped on \"it is correct\"; majority of final answers: '{answer}'",
            data: TraceData.Decision(answer));
        var details = ImmutableDictionary<string, string>.Empty
            .Add("runs", runs.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("stopped_by_feedback", stopped.Count(s => s).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("max_attempts", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("form", SelfRefineOptions.FormName(options.Form));
        return new PhaseOutcome(null, new StrategyOutcome(answer, performed, [.. roundAnswers], details, draw.SamplingMethod));
    }

    // One completion per active run: its feedback, then (unless it says "it is correct") the rewrite; no rewrite keeps the solution.
    private static async Task<List<(int Run, string Feedback, string? Rewrite)>> OneCallRoundAsync(
        RunContext ctx, SelfRefineOptions options, ImmutableArray<SelfRefineTurnRecord>.Builder[] history, string[] current, int[] active, int round, CancellationToken ct)
    {
        var replies = await Task.WhenAll(active.Select(i => ctx.StepAsync($"feedback-rewrite/{round}/{i}", ModelRoles.Refiner, round,
            () => ctx.Grains.GetGrain<IRefinerGrain>(0).FeedbackAndRewriteAsync(Request(ctx, history[i], current[i], "", ModelRoles.Refiner, round, i, options), ct),
            r => r.Usage,
            r => ctx.Record(ModelRoles.Refiner, "run", "feedback-rewrite", round, $"run {i}: {r.Raw}", r.Usage))));
        var outcomes = new List<(int, string, string?)>(active.Length);
        for (var a = 0; a < active.Length; a++)
        {
            var reply = SelfRefineReply.Parse(replies[a].Raw);
            outcomes.Add((active[a], reply.Feedback, SelfRefineRules.ShouldStop(reply.Feedback) ? null : reply.Rewrite ?? current[active[a]]));
        }

        return outcomes;
    }

    // A feedback call per active run, then a rewrite call for each run whose feedback did not say "it is correct".
    private static async Task<List<(int Run, string Feedback, string? Rewrite)>> TwoCallRoundAsync(
        RunContext ctx, SelfRefineOptions options, ImmutableArray<SelfRefineTurnRecord>.Builder[] history, string[] current, int[] active, int round, CancellationToken ct)
    {
        var feedback = await Task.WhenAll(active.Select(i => ctx.StepAsync($"feedback/{round}/{i}", ModelRoles.Reviewer, round,
            () => ctx.Grains.GetGrain<IReviewerGrain>(0).CritiqueAsync(Request(ctx, history[i], current[i], "", ModelRoles.Reviewer, round, i, options), ct),
            r => r.Usage,
            r => ctx.Record(ModelRoles.Reviewer, "run", "feedback", round, $"run {i}: {r.Text}", r.Usage))));
        var outcomes = new List<(int Run, string Feedback, string? Rewrite)>(active.Length);
        var toRewrite = new List<(int Run, string Feedback)>();
        for (var a = 0; a < active.Length; a++)
        {
            if (SelfRefineRules.ShouldStop(feedback[a].Text))
            {
                outcomes.Add((active[a], feedback[a].Text, null));
            }
            else
            {
                toRewrite.Add((active[a], feedback[a].Text));
            }
        }

        var rewrites = await Task.WhenAll(toRewrite.Select(x => ctx.StepAsync($"rewrite/{round}/{x.Run}", ModelRoles.Refiner, round,
            () => ctx.Grains.GetGrain<IRefinerGrain>(0).RewriteAsync(Request(ctx, history[x.Run], current[x.Run], x.Feedback, ModelRoles.Refiner, round, x.Run, options), ct),
            r => r.Usage,
            r => ctx.Record(ModelRoles.Refiner, "run", "rewrite", round, $"run {x.Run}: {r.Text}", r.Usage))));
        outcomes.AddRange(toRewrite.Select((x, j) => (x.Run, x.Feedback, (string?)rewrites[j].Text)));
        return outcomes;
    }

    private static string? Majority(IEnumerable<string> texts, VoteKey key) =>
        SelfRefineRules.FinalAnswer([.. texts.Select(AnswerExtractor.Extract)], key);

    private static SelfRefineRequest Request(
        RunContext ctx, ImmutableArray<SelfRefineTurnRecord>.Builder history, string current, string feedback, string role, int round, int run, SelfRefineOptions options) =>
        new(ctx.Problem.Question, history.ToImmutable(), current, feedback, ctx.Call(role, round, run, options.FeedbackTemperature, options.FeedbackMaxTokens));
}
