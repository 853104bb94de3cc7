using System.Globalization;
using Agents.Contracts.Critiquing;
using Agents.Core.SelfPlay;
using Agents.Core.Tracing;
using Agents.Core.Voting;
using Agents.Grains.Solving;
using Agents.Inference;

namespace Agents.Grains.Runs.Strategies;

/// <summary>
/// <c>spc-search</c> (docs/algorithms.md §3.7): the Solver writes one step at a time, the SPC critic judges each, a rejected step
/// is resampled within the budgets of <see cref="SpcSearchOptions"/>; k &gt; 1 chains are majority-voted ("SC + SPC").
/// The state machine is <see cref="CriticGuidedSearch.RunAsync"/>; every call is a memoized step
/// (<c>spc/{chain}/{step}/{attempt}</c>, <c>critic/{chain}/{step}/{attempt}</c>). Chains run one after another so that
/// each accepted step can be checkpointed (runs of a batch run concurrently).
/// </summary>
internal sealed class SpcSearchStrategy : IRunStrategy
{
    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var options = SpcSearchSpec.Options(ctx.Spec);
        var chains = ImmutableArray.CreateBuilder<SearchChain>(options.Samples);
        var invalid = 0;
        var resamples = 0;
        for (var chain = 0; chain < options.Samples; chain++)
        {
            var c = chain;
            var criticFresh = false;
            var dirty = false;
            var result = await CriticGuidedSearch.RunAsync(
                async (steps, attempt, token) =>
                {
                    if (dirty && attempt == 0)
                    {
                        // The previous step was accepted: persist it before the next fresh call.
                        dirty = false;
                        await ctx.CheckpointAsync();
                    }

                    var reply = await ctx.StepAsync($"spc/{c}/{steps.Count}/{attempt}", SolverGrain.Role, 0,
                        () => ctx.Grains.GetGrain<IStepSolverGrain>(0).NextStepAsync(
                            new NextStepRequest(ctx.Problem.Question, [.. steps], ctx.Call(SolverGrain.Role, 0, Index(c, steps.Count, attempt), options.Temperature, ctx.Spec.MaxTokens)), token),
                        r => r.Usage,
                        r =>
                        {
                            dirty = true;
                            ctx.Record(SolverGrain.Role, ModelRoles.Critic, "step", 0, $"chain {c} step {steps.Count + 1} attempt {attempt}: {r.Step}", r.Usage);
                        });
                    return new StepProposal(reply.Step, reply.IsFinal);
                },
                async (steps, step, attempt, token) =>
                {
                    criticFresh = false;
                    var verdict = await ctx.StepAsync($"critic/{c}/{steps.Count}/{attempt}", ModelRoles.Critic, 0,
                        () => ctx.Grains.GetGrain<ICriticGrain>(0).JudgeStepAsync(
                            new StepJudgeRequest(ctx.Problem.Question, [.. steps], step, ctx.Call(ModelRoles.Critic, 0, Index(c, steps.Count, attempt), SpcOptions.Default.CriticTemperature, SpcOptions.Default.CriticMaxTokens)), token),
                        v => v.Usage,
                        v =>
                        {
                            criticFresh = true;
                            ctx.Record(ModelRoles.Critic, SolverGrain.Role, "verdict", 0, $"chain {c} step {steps.Count + 1} attempt {attempt}: {Verdict(v.Label)}\n{v.Raw}", v.Usage,
                                TraceData.Verdict(steps.Count + 1, VerdictName(v.Label)));
                        });
                    if (verdict.Label == 0)
                    {
                        invalid++;
                    }

                    return Verdict(verdict.Label);
                },
                options,
                d =>
                {
                    if (d.Decision == SearchDecision.Resample)
                    {
                        resamples++;
                    }

                    if (criticFresh)
                    {
                        ctx.Record("run", SolverGrain.Role, DecisionKind(d.Decision), 0, $"chain {c} step {d.StepIndex + 1} attempt {d.Attempt}: critic said {d.Verdict}");
                    }
                },
                ct);
            chains.Add(result);
            await ctx.CheckpointAsync();
        }

        var all = chains.ToImmutable();
        var answer = CriticGuidedSearch.Vote(all, VoteKeys.Parse(ctx.Spec.VoteKey));
        ctx.Record("run", "run", "decision", 0,
            $"{all.Length} verified chain(s), {resamples} resample(s), {all.Sum(x => x.Rejections)} rejection(s), {invalid} invalid verdict(s); " +
            (all.Length == 1 ? $"the chain's answer: '{answer}'" : $"majority of chain answers [{string.Join(", ", all.Select(x => x.Answer ?? "-"))}]: '{answer}'"),
            data: TraceData.Decision(answer));
        var details = ImmutableDictionary<string, string>.Empty
            .Add("chains", Text(all.Length))
            .Add("resamples", Text(resamples))
            .Add("rejections", Text(all.Sum(x => x.Rejections)))
            .Add("invalid_verdicts", Text(invalid))
            .Add("gave_up", Text(all.Count(x => x.GaveUp)))
            .Add("steps", Text(all.Sum(x => x.Steps.Length)))
            .Add("critic_calls", Text(all.Sum(x => x.CriticCalls)))
            .Add("chain_answers", string.Join("|", all.Select(x => x.Answer ?? "")))
            .Add(SpcSearchSpec.MaxResamplesPerStep, Text(options.MaxResamplesPerStep))
            .Add(SpcSearchSpec.MaxTotalResamples, Text(options.MaxTotalResamples))
            .Add(SpcSearchSpec.OnExhausted, SpcSearchSpec.Name(options.OnExhausted));
        return new PhaseOutcome(null, new StrategyOutcome(answer, 0, [answer], details, "per-step"));
    }

    /// <summary>The seed index of a call: distinct for every (chain, step, attempt) within the budgets' ranges.</summary>
    private static int Index(int chain, int step, int attempt) => (chain * 1_000_000) + (step * 1000) + attempt;

    private static CriticVerdict Verdict(int label) => label switch
    {
        > 0 => CriticVerdict.Correct,
        < 0 => CriticVerdict.Incorrect,
        _ => CriticVerdict.Invalid,
    };

    private static string VerdictName(int label) => label switch
    {
        > 0 => "correct",
        < 0 => "incorrect",
        _ => "invalid",
    };

    private static string DecisionKind(SearchDecision decision) => decision switch
    {
        SearchDecision.Accept => "accept",
        SearchDecision.Resample => "resample",
        SearchDecision.AcceptExhausted => "accept-exhausted",
        _ => "give-up",
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
