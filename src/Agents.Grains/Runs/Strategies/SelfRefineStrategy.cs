using Agents.Contracts.Refining;
using Agents.Core.Answers;
using Agents.Core.SelfRefine;
using Agents.Core.Tracing;
using Agents.Core.Voting;
using Agents.Inference;

namespace Agents.Grains.Runs.Strategies;

/// <summary>
/// <c>self-refine</c> (ALGORITHMS §4.5, natural-language variant): k independent runs, each an initial solution then up
/// to four feedback/rewrite rounds that stop when the feedback says "it is correct"; the final answer is the majority
/// over the runs' last answers. Runs advance in lockstep so each round is one checkpoint.
/// </summary>
internal sealed class SelfRefineStrategy : IRunStrategy
{
    public int Phases(StrategySpec spec) => 1;

    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var options = SelfRefineOptions.Default;
        var runs = Math.Max(1, ctx.Spec.K);
        var rounds = ctx.Spec.Rounds > 0 ? ctx.Spec.Rounds : options.MaxAttempts;
        // One run starts greedy as the paper; k independent runs need diverse starts, so they sample.
        var draw = await CommonSteps.DrawAsync(ctx, runs, runs == 1 ? options.InitialTemperature : ctx.Spec.Temperature, ctx.Spec.TopP, ct);
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
            var feedback = await Task.WhenAll(active.Select(i => ctx.StepAsync($"feedback/{round}/{i}", ModelRoles.Reviewer, round,
                () => ctx.Grains.GetGrain<IReviewerGrain>(0).CritiqueAsync(Request(ctx, history[i], current[i], "", ModelRoles.Reviewer, round, i, options), ct),
                r => r.Usage,
                r => ctx.Record(ModelRoles.Reviewer, "run", "feedback", round, $"run {i}: {r.Text}", r.Usage))));
            var toRewrite = new List<(int Run, string Feedback)>();
            for (var a = 0; a < active.Length; a++)
            {
                if (SelfRefineRules.ShouldStop(feedback[a].Text))
                {
                    stopped[active[a]] = true;
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
            for (var j = 0; j < toRewrite.Count; j++)
            {
                var run = toRewrite[j].Run;
                history[run].Add(new SelfRefineTurnRecord(current[run], toRewrite[j].Feedback, rewrites[j].Text));
                current[run] = rewrites[j].Text;
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
            .Add("max_attempts", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new PhaseOutcome(null, new StrategyOutcome(answer, performed, [.. roundAnswers], details, draw.SamplingMethod));
    }

    private static string? Majority(IEnumerable<string> texts, VoteKey key) =>
        SelfRefineRules.FinalAnswer([.. texts.Select(AnswerExtractor.Extract)], key);

    private static SelfRefineRequest Request(
        RunContext ctx, ImmutableArray<SelfRefineTurnRecord>.Builder history, string current, string feedback, string role, int round, int run, SelfRefineOptions options) =>
        new(ctx.Problem.Question, history.ToImmutable(), current, feedback, ctx.Call(role, round, run, options.FeedbackTemperature, options.FeedbackMaxTokens));
}
