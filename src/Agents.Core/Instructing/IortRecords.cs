using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>The LLM roles of IoRT as they are called (docs/algorithms.md §2.1); the Reflector makes two calls per reflection.</summary>
public enum IortRole
{
    /// <summary>Writes the problem's meta-thought from retrieved examples.</summary>
    MetaThinker,

    /// <summary>Writes the initial response and every refreshed one.</summary>
    Generator,

    /// <summary>The Reflector's first call: the critique of the basic response.</summary>
    ReflectorCritique,

    /// <summary>The Reflector's second call: the revised (reflective) response.</summary>
    ReflectorRevision,

    /// <summary>Selects between differing responses, or says stop or refresh when they agree.</summary>
    Instructor,
}

/// <summary>
/// One LLM request of the procedure, with what a caller needs for a reproducible seed (docs/algorithms.md §0): the role, the
/// iteration (0 = before the loop) and the call's index among that role's calls in that iteration.
/// </summary>
/// <param name="Role">Which role is asked.</param>
/// <param name="Iteration">0 for the meta-thought and initial response, 1..N inside the loop.</param>
/// <param name="Index">0-based ordinal of this role's calls within the iteration.</param>
/// <param name="Messages">The prompt, built by the role's prompt builder.</param>
/// <param name="Temperature">The sampling temperature (<see cref="IortOptions.Temperature"/>).</param>
public sealed record IortCall(IortRole Role, int Iteration, int Index, IList<ChatMessage> Messages, double Temperature)
{
    /// <summary>What <see cref="Messages"/> were built from (set by the driver), so a remote agent can rebuild them; null when made by hand.</summary>
    public IortPromptInputs? Inputs { get; init; }
}

/// <summary>The model behind each role: a delegate from a request to the model's text; the Reflector answers both of its calls.</summary>
/// <param name="MetaThinker">Answers <see cref="IortRole.MetaThinker"/> calls.</param>
/// <param name="Generator">Answers <see cref="IortRole.Generator"/> calls.</param>
/// <param name="Reflector">Answers <see cref="IortRole.ReflectorCritique"/> and <see cref="IortRole.ReflectorRevision"/> calls.</param>
/// <param name="Instructor">Answers <see cref="IortRole.Instructor"/> calls.</param>
public sealed record IortRoles(
    Func<IortCall, string> MetaThinker,
    Func<IortCall, string> Generator,
    Func<IortCall, string> Reflector,
    Func<IortCall, string> Instructor)
{
    /// <summary>Every role answered by one model.</summary>
    public static IortRoles FromModel(Func<IortCall, string> model) => new(model, model, model, model);
}

/// <summary>LLM calls per role (docs/algorithms.md §2.6 counts the Reflector's critique and revision as two calls).</summary>
/// <param name="MetaThinker">Meta-Thinker calls.</param>
/// <param name="Generator">Generator calls (initial and refreshes).</param>
/// <param name="Reflector">Reflector calls (critiques plus revisions).</param>
/// <param name="Instructor">Instructor calls.</param>
public sealed record IortCallCounts(int MetaThinker, int Generator, int Reflector, int Instructor)
{
    /// <summary>No calls.</summary>
    public static IortCallCounts None { get; } = new(0, 0, 0, 0);

    /// <summary>All calls.</summary>
    public int Total => MetaThinker + Generator + Reflector + Instructor;

    /// <summary>These counts with one more call of <paramref name="role"/>.</summary>
    public IortCallCounts Add(IortRole role) => role switch
    {
        IortRole.MetaThinker => this with { MetaThinker = MetaThinker + 1 },
        IortRole.Generator => this with { Generator = Generator + 1 },
        IortRole.Instructor => this with { Instructor = Instructor + 1 },
        _ => this with { Reflector = Reflector + 1 },
    };

    /// <summary>The role-wise sum.</summary>
    public IortCallCounts Plus(IortCallCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(MetaThinker + other.MetaThinker, Generator + other.Generator, Reflector + other.Reflector, Instructor + other.Instructor);
    }
}

/// <summary>What one iteration of the loop did (docs/algorithms.md §2.3: the per-iteration outputs behind iteration curves and transition tables).</summary>
/// <param name="Iteration">1..N.</param>
/// <param name="Instruction">Select, Stop, Refresh, or CopiedForward after a stop.</param>
/// <param name="Reason">The Instructor's reason (empty when copied forward).</param>
/// <param name="AnswerBefore">The basic response's answer at the start of the iteration (A_b^i).</param>
/// <param name="ReflectiveAnswer">The compared response's answer (A_r^i); equals <paramref name="AnswerBefore"/> when copied forward.</param>
/// <param name="AnswerAfter">The answer of this iteration's output R_o^i.</param>
/// <param name="AnswersAgreed">What the consistency check found (computed even when the gate is off).</param>
/// <param name="Critique">The Reflector's critique, or null when the compared response was a refresh not reflected.</param>
/// <param name="Output">R_o^i, the output of the iteration.</param>
/// <param name="OutputNumber">The creation-order number ("CoT n") of the output.</param>
/// <param name="Calls">The calls made in this iteration, per role.</param>
/// <param name="InvalidOutputs">How many outputs of this iteration could not be parsed (fallbacks applied).</param>
public sealed record IortIteration(
    int Iteration,
    IortInstruction Instruction,
    string Reason,
    string? AnswerBefore,
    string? ReflectiveAnswer,
    string? AnswerAfter,
    bool AnswersAgreed,
    string? Critique,
    string Output,
    int OutputNumber,
    IortCallCounts Calls,
    int InvalidOutputs);

/// <summary>The outcome of one IoRT run on one problem.</summary>
/// <param name="MetaThought">The meta-thought passed to the Instructor (empty when disabled or invalid).</param>
/// <param name="Initial">The initial response R_b^1 (CoT 0).</param>
/// <param name="InitialAnswer">Its extracted answer.</param>
/// <param name="Iterations">One record per iteration 1..N (copied forward after a stop).</param>
/// <param name="Final">The output of the last iteration.</param>
/// <param name="FinalAnswer">Its extracted answer.</param>
/// <param name="Calls">All calls, per role.</param>
/// <param name="InvalidOutputs">All unparsable outputs, including an invalid meta-thought.</param>
/// <param name="Settings">The options and switches by name (<see cref="IortOptions.Describe"/>) plus the memory policy when a memory was used.</param>
public sealed record IortResult(
    string MetaThought,
    string Initial,
    string? InitialAnswer,
    ImmutableArray<IortIteration> Iterations,
    string Final,
    string? FinalAnswer,
    IortCallCounts Calls,
    int InvalidOutputs,
    IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The answer after each iteration, starting with the initial answer (length N + 1), for iteration curves.</summary>
    public IReadOnlyList<string?> AnswersByIteration => [InitialAnswer, .. Iterations.Select(i => i.AnswerAfter)];

    /// <summary>How many iterations made calls (iterations before and including a stop).</summary>
    public int IterationsRun => Iterations.Count(i => i.Instruction != IortInstruction.CopiedForward);
}
