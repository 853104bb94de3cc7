using Agents.Core.Answers;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>
/// The reference IoRT procedure (docs/algorithms.md §2.3), synchronous and pure apart from the role delegates: meta-thought from the
/// memory, initial response, then up to N iterations of reflect → non-LLM equality gate → Instructor select, or stop
/// (copy forward) / refresh (regenerate from scratch). <see cref="RunAsync"/> is the one implementation; grains drive it with
/// asynchronous role calls and <see cref="Run"/> with synchronous delegates. Prompts are rendered with the given templates.
/// </summary>
public sealed class IortProcess(PromptTemplates templates, IortRoles roles, IortOptions? options = null)
{
    private readonly PromptTemplates _templates = templates ?? throw new ArgumentNullException(nameof(templates));
    private readonly IortRoles _roles = roles ?? throw new ArgumentNullException(nameof(roles));

    /// <summary>The options in use.</summary>
    public IortOptions Options { get; } = options ?? IortOptions.Default;

    /// <summary>
    /// Runs IoRT on one question. With a memory, the Meta-Thinker sees its top-k examples and a valid meta-thought is
    /// recorded (kept only under <see cref="MetaMemoryPolicy.SharedGrowing"/>); without one it gets no examples.
    /// Delegates to <see cref="RunAsync"/> with the synchronous role delegates (every task completes inline).
    /// </summary>
    public IortResult Run(string question, MetaMemory? memory = null, IReadOnlyList<(string Question, string Solution)>? generatorExamples = null)
    {
        var run = RunAsync(_templates, Options, question, memory, (call, _) => Task.FromResult(Dispatch(call)), generatorExamples);
        if (!run.IsCompleted)
        {
            throw new InvalidOperationException("The synchronous IoRT driver expects its role delegates to complete inline.");
        }

        return run.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The IoRT procedure (docs/algorithms.md §2.3) over asynchronous role calls, shared by <see cref="Run"/> and the cluster's
    /// strategy: meta-thought from the memory, initial response, then up to N iterations of reflect → non-LLM equality gate →
    /// Instructor select, or stop (copy forward) / refresh (regenerate from scratch). Every call carries its role, iteration,
    /// index, messages and the <see cref="IortPromptInputs"/> they were built from. The branching depends only on the
    /// texts the calls return, so replaying recorded texts reproduces a run.
    /// </summary>
    /// <param name="templates">The role prompts the calls' messages are rendered with.</param>
    /// <param name="options">N, temperature, k and the §2.3 switches.</param>
    /// <param name="question">The problem statement.</param>
    /// <param name="memory">The meta-memory (null = no examples, nothing recorded).</param>
    /// <param name="call">Answers one call with the model's text.</param>
    /// <param name="generatorExamples">Few-shot turns of the generator.</param>
    /// <param name="onIteration">Called after each iteration (copied-forward ones included), in order.</param>
    /// <param name="cancellationToken">Cancels between calls.</param>
    public static async Task<IortResult> RunAsync(
        PromptTemplates templates,
        IortOptions options,
        string question,
        IMetaMemoryAccess? memory,
        Func<IortCall, CancellationToken, Task<string>> call,
        IReadOnlyList<(string Question, string Solution)>? generatorExamples = null,
        Action<IortIteration>? onIteration = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(call);
        var run = new RunState(templates, options, question, generatorExamples, call, cancellationToken);
        var invalid = 0;

        var metaThought = string.Empty;
        if (options.UseMetaThought)
        {
            var examples = memory is null ? [] : await memory.RetrieveAsync(question, options.MetaExamples, cancellationToken);
            var parsed = MetaThinkerPrompt.Parse(await run.CallAsync(IortRole.MetaThinker, new(IortPromptKind.MetaThought, question) { Examples = examples }));
            if (parsed.Valid)
            {
                metaThought = parsed.Text;
                if (memory is not null)
                {
                    await memory.RecordAsync(new MetaExample(question, metaThought), cancellationToken);
                }
            }
            else
            {
                invalid++;
                if (memory is not null)
                {
                    // A shared-growing memory's barrier waits for every earlier problem to say whether it adds a pair.
                    await memory.SkipAsync(cancellationToken);
                }
            }
        }

        var basic = await run.GenerateAsync();
        var initial = basic;
        var basicAnswer = Answer(basic.Text);
        var initialAnswer = basicAnswer;
        var beforeLoop = run.TakeCounts();
        NumberedResponse? pending = null;
        var iterations = ImmutableArray.CreateBuilder<IortIteration>(options.MaxIterations);
        for (var i = 1; i <= options.MaxIterations; i++)
        {
            run.Iteration = i;
            var iterationInvalid = 0;
            string? critique = null;
            NumberedResponse reflective;
            if (pending is null || options.RefreshThenReflect)
            {
                (reflective, critique, var ok) = await run.ReflectAsync(pending ?? basic);
                iterationInvalid += ok ? 0 : 1;
            }
            else
            {
                reflective = pending;
            }

            pending = null;
            var reflectiveAnswer = Answer(reflective.Text);
            var agreed = Agree(options, basicAnswer, reflectiveAnswer);
            var before = basicAnswer;
            InstructorDecision decision;
            if (!options.ConsistencyGate || !agreed)
            {
                var text = await run.CallAsync(IortRole.Instructor,
                    new(IortPromptKind.Select, question) { MetaThought = metaThought, Basic = basic, Reflective = reflective });
                decision = InstructorPrompt.ParseSelect(text, basic.Number, reflective.Number);
                if (decision.Valid && decision.Chosen == reflective.Number)
                {
                    basic = reflective;
                    basicAnswer = reflectiveAnswer;
                }

                iterationInvalid += decision.Valid ? 0 : 1;
            }
            else
            {
                var text = await run.CallAsync(IortRole.Instructor,
                    new(IortPromptKind.Agreement, question) { MetaThought = metaThought, Basic = basic, Reflective = reflective });
                decision = InstructorPrompt.ParseAgreement(text);
                if (!decision.Valid)
                {
                    iterationInvalid++;
                    decision = decision with { Instruction = options.InvalidAgreementFallback == IortInstruction.Refresh ? IortInstruction.Refresh : IortInstruction.Stop };
                }

                if (decision.Instruction == IortInstruction.Refresh && (i < options.MaxIterations || options.RefreshOnLastIteration))
                {
                    pending = await run.GenerateAsync();
                }
            }

            invalid += iterationInvalid;
            var iteration = new IortIteration(i, decision.Instruction, decision.Reason, before, reflectiveAnswer, basicAnswer, agreed, critique,
                basic.Text, basic.Number, run.TakeCounts(), iterationInvalid);
            iterations.Add(iteration);
            onIteration?.Invoke(iteration);
            if (decision.Instruction == IortInstruction.Stop)
            {
                for (var j = i + 1; j <= options.MaxIterations; j++)
                {
                    var copied = new IortIteration(j, IortInstruction.CopiedForward, string.Empty, basicAnswer, basicAnswer, basicAnswer, true, null,
                        basic.Text, basic.Number, IortCallCounts.None, 0);
                    iterations.Add(copied);
                    onIteration?.Invoke(copied);
                }

                break;
            }
        }

        var all = iterations.ToImmutable();
        var calls = all.Aggregate(beforeLoop, (sum, it) => sum.Plus(it.Calls));
        var settings = new SortedDictionary<string, string>(options.Describe().ToDictionary(), StringComparer.Ordinal);
        if (memory is not null)
        {
            settings["meta_memory_policy"] = MetaMemoryPolicies.Name(memory.Policy);
        }

        return new IortResult(metaThought, initial.Text, initialAnswer, all, basic.Text, basicAnswer, calls, invalid, settings);
    }

    /// <summary>The consistency gate: extracted answers equal under <see cref="IortOptions.GateEquivalence"/>; two missing answers per <see cref="IortOptions.MissingAnswersEqual"/>.</summary>
    public bool Agree(string? basicAnswer, string? reflectiveAnswer) => Agree(Options, basicAnswer, reflectiveAnswer);

    /// <summary>The consistency gate under <paramref name="options"/>.</summary>
    public static bool Agree(IortOptions options, string? basicAnswer, string? reflectiveAnswer)
    {
        ArgumentNullException.ThrowIfNull(options);
        var a = string.IsNullOrWhiteSpace(basicAnswer) ? null : basicAnswer;
        var b = string.IsNullOrWhiteSpace(reflectiveAnswer) ? null : reflectiveAnswer;
        if (a is null || b is null)
        {
            return a is null && b is null && options.MissingAnswersEqual;
        }

        return AnswerEquivalence.AreEquivalent(a, b, options.GateEquivalence);
    }

    /// <summary>The answer of a response (docs/algorithms.md §5: last boxed, else "The answer is …"); null when none.</summary>
    public static string? Answer(string? response) => AnswerExtractor.Extract(response);

    private string Dispatch(IortCall call)
    {
        var model = call.Role switch
        {
            IortRole.MetaThinker => _roles.MetaThinker,
            IortRole.Generator => _roles.Generator,
            IortRole.Instructor => _roles.Instructor,
            _ => _roles.Reflector,
        };
        return model(call) ?? string.Empty;
    }

    // Per-run mutable bookkeeping: the response numbering, the current iteration and the calls made in it.
    private sealed class RunState(
        PromptTemplates templates,
        IortOptions options,
        string question,
        IReadOnlyList<(string Question, string Solution)>? generatorExamples,
        Func<IortCall, CancellationToken, Task<string>> model,
        CancellationToken cancellationToken)
    {
        private readonly Dictionary<IortRole, int> _indices = [];
        private IortCallCounts _counts = IortCallCounts.None;
        private int _nextNumber;

        public int Iteration { get; set; }

        public async Task<string> CallAsync(IortRole role, IortPromptInputs inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = _indices.GetValueOrDefault(role);
            _indices[role] = index + 1;
            _counts = _counts.Add(role);
            var call = new IortCall(role, Iteration, index, inputs.Build(templates), options.Temperature) { Inputs = inputs };
            return await model(call, cancellationToken) ?? string.Empty;
        }

        public async Task<NumberedResponse> GenerateAsync()
        {
            var number = _nextNumber++;
            var text = await CallAsync(IortRole.Generator, new(IortPromptKind.Generate, question) { GeneratorExamples = generatorExamples ?? IortFewShot.Generator });
            return new NumberedResponse(number, text);
        }

        // Critique then revision; an unusable revision leaves the answer unchanged (as when CRITIC writes no new code).
        public async Task<(NumberedResponse Response, string Critique, bool Valid)> ReflectAsync(NumberedResponse response)
        {
            var critique = ReflectorPrompt.Parse(await CallAsync(IortRole.ReflectorCritique,
                new(IortPromptKind.Critique, question) { Response = response.Text })).Critique;
            var revision = ReflectorPrompt.ParseRevision(await CallAsync(IortRole.ReflectorRevision,
                new(IortPromptKind.Revise, question) { Response = response.Text, Critique = critique }));
            var valid = revision is not null && critique.Length > 0 && critique != PromptMarkers.CannotSolve;
            return (new NumberedResponse(_nextNumber++, revision ?? response.Text), critique, valid);
        }

        public IortCallCounts TakeCounts()
        {
            var counts = _counts;
            _counts = IortCallCounts.None;
            _indices.Clear();
            return counts;
        }
    }
}
