using System.Globalization;
using Agents.Contracts.Instructing;
using Agents.Contracts.Refining;
using Agents.Core.Answers;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Tracing;
using Agents.Grains.Instructing;
using Agents.Inference.Embeddings;
using Agents.Inference.Sampling;

namespace Agents.Grains.Runs.Strategies;

/// <summary>
/// <c>iort</c> (docs/algorithms.md §2.3): <see cref="IortProcess.RunAsync"/> over the IoRT agent grains, every call a memoized
/// step <c>iort/{call}/{iteration}/{index}</c> (a reactivated run replays recorded texts and the driver takes the same
/// branches), the meta-memory a <see cref="IMetaMemoryGrain"/>. One phase; round = iteration (0 = meta-thought and initial
/// response). Ledger roles: meta-thinker, generator, reflector, instructor.
/// </summary>
/// <remarks>
/// Options (<see cref="StrategySpec.Options"/>, read through <see cref="IortRunOptions.Codec"/>): <c>instructor_model</c> (model spec of the Meta-Thinker and Instructor;
/// absent = the silo's configured instructor model, else the run's model; the row records the model used), <c>meta_memory</c> (memory grain name; absent = the job id), <c>meta_memory_policy</c>
/// (<c>snapshot</c>, the default: problems only read the memory, order-independent; <c>shared-growing</c>: each valid
/// meta-thought is appended, so what a problem sees depends on which problems finished before it),
/// <c>meta_memory_similarity</c> (<c>minilm</c>, the default: cosine of MiniLM sentence embeddings; <c>lexical</c>: token Jaccard), and the §2.3 switches
/// by their <see cref="IortOptions.Describe"/> names (<c>consistency_gate</c>, <c>refresh_then_reflect</c>,
/// <c>missing_answers_equal</c>, <c>use_meta_thought</c>, <c>refresh_on_last_iteration</c>: on|off; <c>meta_examples</c>;
/// <c>invalid_agreement_fallback</c>: stop|refresh; <c>gate_equivalence</c>). N = <see cref="StrategySpec.Rounds"/>.
/// </remarks>
internal sealed class IortStrategy(PromptTemplates prompts) : IRunStrategy
{
    /// <summary>Detail key: model spec of the Meta-Thinker and Instructor.</summary>
    public const string InstructorModelOption = "instructor_model";

    /// <summary>Detail key: the meta-memory grain's name.</summary>
    public const string MemoryOption = "meta_memory";

    private const int ReasonExcerpt = 160;

    public async Task<PhaseOutcome> RunAsync(RunContext ctx, int phase, CancellationToken ct)
    {
        var spec = ctx.Spec;
        var run = IortRunOptions.Codec.Read(spec.Options);
        var options = run.For(spec.Rounds, spec.Temperature);
        var memoryName = run.Memory ?? ctx.JobId;
        var memory = new MetaMemoryGrainAccess(ctx.Grains.GetGrain<IMetaMemoryGrain>(memoryName), run.Policy, run.Similarity, ctx.JobId, ctx.Index, run.Wave);
        // The agent grain picks the Meta-Thinker's and Instructor's model (option, silo configuration, run model) and names it.
        var instructorOption = run.InstructorModel ?? string.Empty;
        AgentReply? instructorReply = null;
        var agent = ctx.Grains.GetGrain<IIortAgentGrain>(0);
        var freshInstructions = new Dictionary<int, TokenUsage>();
        var stopRecorded = false;

        async Task<string> CallAsync(IortCall call, CancellationToken token)
        {
            var name = IortRoleNames.Call(call.Role);
            var ledger = IortRoleNames.Ledger(call.Role);
            var instructs = ledger is IortRoleNames.MetaThinker or IortRoleNames.Instructor;
            var model = instructs ? instructorOption : spec.Model;
            var settings = ctx.Call(name, call.Iteration, call.Index, call.Temperature, spec.MaxTokens) with { Model = model };
            var fresh = false;
            var reply = await ctx.StepAsync($"iort/{name}/{call.Iteration}/{call.Index}", ledger, call.Iteration,
                () => SendAsync(agent, call, settings, spec.Model, token),
                r => r.Usage,
                r =>
                {
                    fresh = true;
                    Record(ctx, call, r, freshInstructions);
                });
            if (fresh)
            {
                await ctx.CheckpointAsync();
            }

            if (instructs && reply.Model is not null)
            {
                instructorReply ??= reply;
            }

            return reply.Text;
        }

        void OnIteration(IortIteration iteration)
        {
            if (freshInstructions.Remove(iteration.Iteration, out var usage))
            {
                ctx.Record(IortRoleNames.Instructor, "run", "instruction", iteration.Iteration,
                    $"{IortRoleNames.Instruction(iteration.Instruction)} (answers {(iteration.AnswersAgreed ? "agree" : "differ")}: " +
                    $"'{iteration.AnswerBefore}' vs '{iteration.ReflectiveAnswer}'; keeps CoT {iteration.OutputNumber} = '{iteration.AnswerAfter}'). " +
                    $"Reason: {iteration.Reason}", usage,
                    TraceData.Instruction(IortRoleNames.Instruction(iteration.Instruction), iteration.AnswersAgreed));
                stopRecorded = iteration.Instruction == IortInstruction.Stop;
            }
            else if (iteration.Instruction == IortInstruction.CopiedForward && stopRecorded)
            {
                ctx.Record("run", "run", "instruction", iteration.Iteration, $"copied-forward: '{iteration.AnswerAfter}' (stopped earlier)");
            }
        }

        IortResult result;
        try
        {
            result = await IortProcess.RunAsync(prompts, options, ctx.Problem.Question, memory, CallAsync, onIteration: OnIteration, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed run still tells a shared-growing memory's barrier that it adds nothing, so later waves do not wait on it.
            await memory.SkipAsync(ct);
            throw;
        }

        // A run without a meta-thought (use_meta_thought off) adds nothing either.
        await memory.SkipAsync(ct);

        ctx.Record("run", "run", "decision", result.IterationsRun,
            $"IoRT: {result.IterationsRun} of {options.MaxIterations} iteration(s) run " +
            $"({string.Join(", ", result.Iterations.Select(i => IortRoleNames.Instruction(i.Instruction)))}); " +
            $"initial '{result.InitialAnswer}', final '{result.FinalAnswer}' (CoT {result.Iterations.LastOrDefault()?.OutputNumber ?? 0})",
            data: TraceData.Decision(result.FinalAnswer));
        return new PhaseOutcome(null, new StrategyOutcome(
            result.FinalAnswer, result.IterationsRun, [.. result.AnswersByIteration], Details(result, memoryName, instructorReply, spec, memory.Retrieved),
            SampleBatch.MethodParallel));
    }

    private static Task<AgentReply> SendAsync(IIortAgentGrain agent, IortCall call, ModelCall settings, string runModel, CancellationToken ct)
    {
        var inputs = call.Inputs ?? throw new InvalidOperationException("IoRT calls from the driver carry their prompt inputs");
        return inputs.Kind switch
        {
            IortPromptKind.MetaThought => agent.MetaThinkAsync(
                new MetaThinkRequest(inputs.Question, [.. inputs.Examples.Select(e => new MetaExampleRecord(e.Question, e.MetaThought))], settings, runModel), ct),
            IortPromptKind.Generate => agent.GenerateAsync(new IortGenerateRequest(inputs.Question, settings), ct),
            IortPromptKind.Critique => agent.CritiqueAsync(new ReflectRequest(inputs.Question, inputs.Response, string.Empty, settings), ct),
            IortPromptKind.Revise => agent.ReviseAsync(new ReflectRequest(inputs.Question, inputs.Response, inputs.Critique, settings), ct),
            _ => agent.InstructAsync(new InstructRequest(
                inputs.Question, inputs.MetaThought, Numbered(inputs.Basic), Numbered(inputs.Reflective), inputs.Kind == IortPromptKind.Agreement, settings, runModel), ct),
        };
    }

    private static NumberedResponseRecord Numbered(NumberedResponse? response) =>
        response is null ? throw new InvalidOperationException("Instructor calls compare two responses") : new(response.Number, response.Text);

    // The transcript of a fresh call: meta-thought, responses and reflections as they arrive; instructions once parsed.
    private static void Record(RunContext ctx, IortCall call, AgentReply reply, Dictionary<int, TokenUsage> freshInstructions)
    {
        switch (call.Role)
        {
            case IortRole.MetaThinker:
                ctx.Record(IortRoleNames.MetaThinker, IortRoleNames.Instructor, "meta-thought", call.Iteration, reply.Text, reply.Usage);
                break;
            case IortRole.Generator:
                ctx.Record(IortRoleNames.Generator, "run", call.Iteration == 0 ? "initial" : "refresh", call.Iteration, reply.Text, reply.Usage);
                break;
            case IortRole.ReflectorCritique:
                ctx.Record(IortRoleNames.Reflector, "run", "critique", call.Iteration, reply.Text, reply.Usage);
                break;
            case IortRole.ReflectorRevision:
                ctx.Record(IortRoleNames.Reflector, IortRoleNames.Instructor, "revision", call.Iteration, reply.Text, reply.Usage);
                break;
            default:
                freshInstructions[call.Iteration] = reply.Usage;
                break;
        }
    }

    private static ImmutableDictionary<string, string> Details(
        IortResult result, string memoryName, AgentReply? instructorReply, StrategySpec spec, IReadOnlyList<MetaExample> retrieved)
    {
        var details = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        // Which examples the Meta-Thinker saw, so runs can be compared (a shared-growing memory must give the same at any concurrency).
        details["meta_examples_seen"] = Int(retrieved.Count);
        details["meta_examples_digest"] = System.IO.Hashing.XxHash64.HashToUInt64(
            System.Text.Encoding.UTF8.GetBytes(string.Join("\n", retrieved.Select(e => e.Question)))).ToString("x16", CultureInfo.InvariantCulture);
        foreach (var (key, value) in result.Settings)
        {
            details[key] = value;
        }

        foreach (var it in result.Iterations)
        {
            var reason = it.Reason.ReplaceLineEndings(" ").Trim();
            details[$"instruction{it.Iteration}"] = it.Instruction == IortInstruction.CopiedForward
                ? "copied-forward"
                : $"{IortRoleNames.Instruction(it.Instruction)}: {(reason.Length > ReasonExcerpt ? reason[..ReasonExcerpt] + "…" : reason)}";
        }

        var shares = Transitions.Shares(result.Iterations.Select(i => i.Instruction));
        details["select"] = Int(shares.Select);
        details["stop"] = Int(shares.Stop);
        details["refresh"] = Int(shares.Refresh);
        details["select_share"] = shares.SelectShare.ToString("0.###", CultureInfo.InvariantCulture);
        details["stop_share"] = shares.StopShare.ToString("0.###", CultureInfo.InvariantCulture);
        details["refresh_share"] = shares.RefreshShare.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (var role in new[] { IortRoleNames.MetaThinker, IortRoleNames.Generator, IortRoleNames.Reflector, IortRoleNames.Instructor })
        {
            details[$"calls_{role}"] = Int(IortRoleNames.Count(result.Calls, role));
        }

        details["calls_total"] = Int(result.Calls.Total);
        details["iterations_run"] = Int(result.IterationsRun);
        details["invalid_outputs"] = Int(result.InvalidOutputs);
        details["meta_thought"] = result.MetaThought.Length > 0 ? "valid" : "none";
        details[MemoryOption] = memoryName;
        // The model the Meta-Thinker and Instructor actually used, and why (none when neither role was called).
        details[InstructorModelOption] = instructorReply?.Model ?? "none";
        details["instructor_model_source"] = instructorReply?.ModelSource ?? "none";
        details["model"] = spec.Model.Length > 0 ? spec.Model : "default";
        details["answer_format"] = "natural-language";
        return details.ToImmutable();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
