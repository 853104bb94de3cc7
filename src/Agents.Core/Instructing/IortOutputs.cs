namespace Agents.Core.Instructing;

/// <summary>One (question, meta-thought) pair of the meta-memory (docs/algorithms.md §2.1).</summary>
/// <param name="Question">The problem statement.</param>
/// <param name="MetaThought">The high-level plan written for it, with no numeric answer.</param>
public sealed record MetaExample(string Question, string MetaThought);

/// <summary>A parsed Meta-Thinker output; <see cref="Valid"/> is false for blank, cannot-solve or answer-bearing text.</summary>
/// <param name="Text">The meta-thought without its heading (empty when invalid).</param>
/// <param name="Valid">Whether the output is a usable meta-thought.</param>
public sealed record MetaThought(string Text, bool Valid);

/// <summary>A parsed Reflector output: the critique and, when present, the revised response after "Here's the better answer:".</summary>
/// <param name="Critique">The text before the better-answer lead (the whole text when there is no lead).</param>
/// <param name="Revision">The revised response after the lead; null when the text has none or it is blank or cannot-solve.</param>
public sealed record Reflection(string Critique, string? Revision);

/// <summary>What the Instructor decided for one iteration, or how the iteration was filled in (docs/algorithms.md §2.4).</summary>
public enum IortInstruction
{
    /// <summary>The answers differed and the Instructor picked the better response.</summary>
    Select,

    /// <summary>The answers agreed and the Instructor ended the loop.</summary>
    Stop,

    /// <summary>The answers agreed and the Instructor asked for a fresh response from the generator.</summary>
    Refresh,

    /// <summary>An iteration after a stop: the stopped output is copied forward with no calls.</summary>
    CopiedForward,
}

/// <summary>A parsed Instructor output; <see cref="Valid"/> is false when the expected marker (or a known response number) is missing.</summary>
/// <param name="Instruction">Select, Stop or Refresh (for an invalid output: what the caller asked for, Select or Stop).</param>
/// <param name="Chosen">For a select, the chosen response's number ("COT n"); null otherwise or when invalid.</param>
/// <param name="Reason">The text before the final marker (the whole text when invalid).</param>
/// <param name="Valid">Whether the output carries a usable decision.</param>
public sealed record InstructorDecision(IortInstruction Instruction, int? Chosen, string Reason, bool Valid);
