using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>Which prompt builder an IoRT call uses (docs/algorithms.md §2.4).</summary>
public enum IortPromptKind
{
    /// <summary><see cref="MetaThinkerPrompt.Build"/>: the question and the retrieved examples.</summary>
    MetaThought,

    /// <summary><see cref="GeneratorPrompt.Build"/>: the initial response or a refresh.</summary>
    Generate,

    /// <summary><see cref="ReflectorPrompt.BuildCritique"/>: the Reflector's first call.</summary>
    Critique,

    /// <summary><see cref="ReflectorPrompt.BuildRevision"/>: the Reflector's second call.</summary>
    Revise,

    /// <summary><see cref="InstructorPrompt.BuildSelect"/>: the answers differ (or the gate is off).</summary>
    Select,

    /// <summary><see cref="InstructorPrompt.BuildAgreement"/>: the answers agree; stop or refresh.</summary>
    Agreement,
}

/// <summary>
/// The structured inputs of one IoRT prompt: what a remote agent needs to rebuild exactly the messages the driver built
/// (<see cref="Build"/> is the single place the driver and the agent grains turn inputs into messages).
/// </summary>
/// <param name="Kind">Which builder.</param>
/// <param name="Question">The problem statement.</param>
public sealed record IortPromptInputs(IortPromptKind Kind, string Question)
{
    /// <summary>Retrieved (question, meta-thought) examples (<see cref="IortPromptKind.MetaThought"/>).</summary>
    public IReadOnlyList<MetaExample> Examples { get; init; } = [];

    /// <summary>Few-shot (question, solution) turns of the generator (<see cref="IortPromptKind.Generate"/>); by default our eight (<see cref="IortFewShot.Generator"/>), null = none.</summary>
    public IReadOnlyList<(string Question, string Solution)>? GeneratorExamples { get; init; } = IortFewShot.Generator;

    /// <summary>Few-shot turns of the Reflector (<see cref="IortPromptKind.Critique"/>, <see cref="IortPromptKind.Revise"/>); by default our four (<see cref="IortFewShot.Reflector"/>), null = none.</summary>
    public IReadOnlyList<ReflectorExample>? ReflectorExamples { get; init; } = IortFewShot.Reflector;

    /// <summary>The response under reflection (<see cref="IortPromptKind.Critique"/>, <see cref="IortPromptKind.Revise"/>).</summary>
    public string Response { get; init; } = string.Empty;

    /// <summary>The critique the revision acts on (<see cref="IortPromptKind.Revise"/>).</summary>
    public string Critique { get; init; } = string.Empty;

    /// <summary>The meta-thought shown to the Instructor (empty = none).</summary>
    public string MetaThought { get; init; } = string.Empty;

    /// <summary>The basic response (Instructor calls).</summary>
    public NumberedResponse? Basic { get; init; }

    /// <summary>The reflective (or refreshed) response it is compared with (Instructor calls).</summary>
    public NumberedResponse? Reflective { get; init; }

    /// <summary>The chat messages of the call, from the role's prompt builder rendering <paramref name="templates"/>.</summary>
    public IList<ChatMessage> Build(PromptTemplates templates) => Kind switch
    {
        IortPromptKind.MetaThought => MetaThinkerPrompt.Build(templates, Question, Examples),
        IortPromptKind.Generate => GeneratorPrompt.Build(templates, Question, GeneratorExamples),
        IortPromptKind.Critique => ReflectorPrompt.BuildCritique(templates, Question, Response, ReflectorExamples),
        IortPromptKind.Revise => ReflectorPrompt.BuildRevision(templates, Question, Response, Critique, ReflectorExamples),
        IortPromptKind.Select => InstructorPrompt.BuildSelect(templates, Question, MetaThought, Required(Basic), Required(Reflective)),
        IortPromptKind.Agreement => InstructorPrompt.BuildAgreement(templates, Question, MetaThought, Required(Basic), Required(Reflective)),
        _ => throw new InvalidOperationException($"Unknown IoRT prompt kind {Kind}."),
    };

    private NumberedResponse Required(NumberedResponse? response) =>
        response ?? throw new InvalidOperationException($"An Instructor prompt ({Kind}) needs both numbered responses.");
}

/// <summary>
/// Asynchronous access to a meta-memory for <see cref="IortProcess.RunAsync"/>: an in-process <see cref="MetaMemory"/>, or a
/// memory grain on the cluster.
/// </summary>
public interface IMetaMemoryAccess
{
    /// <summary>Whether <see cref="RecordAsync"/> keeps new pairs.</summary>
    MetaMemoryPolicy Policy { get; }

    /// <summary>The <paramref name="k"/> most similar stored pairs, most similar first.</summary>
    Task<IReadOnlyList<MetaExample>> RetrieveAsync(string question, int k, CancellationToken cancellationToken);

    /// <summary>Records a run's new pair per <see cref="Policy"/>; true when kept.</summary>
    Task<bool> RecordAsync(MetaExample example, CancellationToken cancellationToken);

    /// <summary>Says that this run adds no pair (its meta-thought was unusable or its call failed); a no-op by default.</summary>
    Task SkipAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
