using Agents.Core.Answers;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Iort;

/// <summary>
/// The reference IoRT procedure (ALGORITHMS §2.3), synchronous and pure apart from the role delegates: meta-thought from the
/// memory, initial response, then up to N iterations of reflect → non-LLM equality gate → Instructor select, or stop
/// (copy forward) / refresh (regenerate from scratch). Grains run the same steps asynchronously with the same builders and parsers.
/// </summary>
public sealed class IortProcess(IortRoles roles, IortOptions? options = null)
{
    private readonly IortRoles _roles = roles ?? throw new ArgumentNullException(nameof(roles));

    /// <summary>The options in use.</summary>
    public IortOptions Options { get; } = options ?? IortOptions.Default;

    /// <summary>
    /// Runs IoRT on one question. With a memory, the Meta-Thinker sees its top-k examples and a valid meta-thought is
    /// recorded (kept only under <see cref="MetaMemoryPolicy.SharedGrowing"/>); without one it gets no examples.
    /// </summary>
    public IortResult Run(string question, MetaMemory? memory = null, IReadOnlyList<(string Question, string Solution)>? generatorExamples = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        var run = new RunState(this, question, generatorExamples);
        var invalid = 0;

        var metaThought = string.Empty;
        if (Options.UseMetaThought)
        {
            var examples = memory?.Retrieve(question, Options.MetaExamples) ?? [];
            var parsed = MetaThinkerPrompt.Parse(run.Call(IortRole.MetaThinker, MetaThinkerPrompt.Build(question, examples)));
            if (parsed.Valid)
            {
                metaThought = parsed.Text;
                memory?.Record(new MetaExample(question, metaThought));
            }
            else
            {
                invalid++;
            }
        }

        var basic = run.Generate();
        var initial = basic;
        var basicAnswer = Answer(basic.Text);
        var initialAnswer = basicAnswer;
        var beforeLoop = run.TakeCounts();
        NumberedResponse? pending = null;
        var iterations = ImmutableArray.CreateBuilder<IortIteration>(Options.MaxIterations);
        for (var i = 1; i <= Options.MaxIterations; i++)
        {
            run.Iteration = i;
            var iterationInvalid = 0;
            string? critique = null;
            NumberedResponse reflective;
            if (pending is null || Options.RefreshThenReflect)
            {
                (reflective, critique, var ok) = run.Reflect(pending ?? basic);
                iterationInvalid += ok ? 0 : 1;
            }
            else
            {
                reflective = pending;
            }

            pending = null;
            var reflectiveAnswer = Answer(reflective.Text);
            var agreed = Agree(basicAnswer, reflectiveAnswer);
            var before = basicAnswer;
            InstructorDecision decision;
            if (!Options.ConsistencyGate || !agreed)
            {
                var text = run.Call(IortRole.Instructor, InstructorPrompt.BuildSelect(question, metaThought, basic, reflective));
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
                var text = run.Call(IortRole.Instructor, InstructorPrompt.BuildAgreement(question, metaThought, basic, reflective));
                decision = InstructorPrompt.ParseAgreement(text);
                if (!decision.Valid)
                {
                    iterationInvalid++;
                    decision = decision with { Instruction = Options.InvalidAgreementFallback == IortInstruction.Refresh ? IortInstruction.Refresh : IortInstruction.Stop };
                }

                if (decision.Instruction == IortInstruction.Refresh && (i < Options.MaxIterations || Options.RefreshOnLastIteration))
                {
                    pending = run.Generate();
                }
            }

            invalid += iterationInvalid;
            iterations.Add(new IortIteration(i, decision.Instruction, decision.Reason, before, reflectiveAnswer, basicAnswer, agreed, critique,
                basic.Text, basic.Number, run.TakeCounts(), iterationInvalid));
            if (decision.Instruction == IortInstruction.Stop)
            {
                for (var j = i + 1; j <= Options.MaxIterations; j++)
                {
                    iterations.Add(new IortIteration(j, IortInstruction.CopiedForward, string.Empty, basicAnswer, basicAnswer, basicAnswer, true, null,
                        basic.Text, basic.Number, IortCallCounts.None, 0));
                }

                break;
            }
        }

        var all = iterations.ToImmutable();
        var calls = all.Aggregate(beforeLoop, (sum, it) => sum.Plus(it.Calls));
        var settings = new SortedDictionary<string, string>(Options.Describe().ToDictionary(), StringComparer.Ordinal);
        if (memory is not null)
        {
            settings["meta_memory_policy"] = MetaMemoryPolicies.Name(memory.Policy);
        }

        return new IortResult(metaThought, initial.Text, initialAnswer, all, basic.Text, basicAnswer, calls, invalid, settings);
    }

    /// <summary>The consistency gate: extracted answers equal under <see cref="IortOptions.GateEquivalence"/>; two missing answers per <see cref="IortOptions.MissingAnswersEqual"/>.</summary>
    public bool Agree(string? basicAnswer, string? reflectiveAnswer)
    {
        var a = string.IsNullOrWhiteSpace(basicAnswer) ? null : basicAnswer;
        var b = string.IsNullOrWhiteSpace(reflectiveAnswer) ? null : reflectiveAnswer;
        if (a is null || b is null)
        {
            return a is null && b is null && Options.MissingAnswersEqual;
        }

        return AnswerEquivalence.AreEquivalent(a, b, Options.GateEquivalence);
    }

    /// <summary>The answer of a response (ALGORITHMS §5: last boxed, else "The answer is …"); null when none.</summary>
    public static string? Answer(string? response) => AnswerExtractor.Extract(response);

    // Per-run mutable bookkeeping: the response numbering, the current iteration and the calls made in it.
    private sealed class RunState(IortProcess process, string question, IReadOnlyList<(string Question, string Solution)>? generatorExamples)
    {
        private readonly Dictionary<IortRole, int> _indices = [];
        private IortCallCounts _counts = IortCallCounts.None;
        private int _nextNumber;

        public int Iteration { get; set; }

        public string Call(IortRole role, IList<ChatMessage> messages)
        {
            var index = _indices.GetValueOrDefault(role);
            _indices[role] = index + 1;
            _counts = _counts.Add(role);
            var call = new IortCall(role, Iteration, index, messages, process.Options.Temperature);
            var model = role switch
            {
                IortRole.MetaThinker => process._roles.MetaThinker,
                IortRole.Generator => process._roles.Generator,
                IortRole.Instructor => process._roles.Instructor,
                _ => process._roles.Reflector,
            };
            return model(call) ?? string.Empty;
        }

        public NumberedResponse Generate() =>
            new(_nextNumber++, Call(IortRole.Generator, GeneratorPrompt.Build(question, generatorExamples)));

        // Critique then revision; an unusable revision leaves the answer unchanged (as when CRITIC writes no new code).
        public (NumberedResponse Response, string Critique, bool Valid) Reflect(NumberedResponse response)
        {
            var critique = ReflectorPrompt.Parse(Call(IortRole.ReflectorCritique, ReflectorPrompt.BuildCritique(question, response.Text))).Critique;
            var revision = ReflectorPrompt.ParseRevision(Call(IortRole.ReflectorRevision, ReflectorPrompt.BuildRevision(question, response.Text, critique)));
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
