namespace Agents.Core.Prompts;

/// <summary>
/// Fixed strings of the project's role prompts. Prompt builders write them and parsers (and the simulated
/// model, which recognises the role of a prompt by them) read them, so they live in one place.
/// </summary>
public static class PromptMarkers
{
    /// <summary>The solver's instruction that follows the question (ALGORITHMS §1.5: answer in \boxed{}).</summary>
    public const string SolverInstruction =
        "Solve the problem step by step. Begin each step on a new line with \"Step n:\". " +
        "Put your final answer within \\boxed{}.";

    /// <summary>Heading before the question in every role prompt.</summary>
    public const string Question = "### Question:";

    /// <summary>Heading before the solution under review or refinement.</summary>
    public const string CurrentSolution = "### Current Solution:";

    /// <summary>Heading before the reviewer's feedback in the refiner prompt.</summary>
    public const string TeacherFeedback = "### Teacher Feedback:";

    /// <summary>What a model (the simulated one) answers when a question is outside what it can solve.</summary>
    public const string CannotSolve = "I cannot solve this problem.";

    /// <summary>Heading before a meta-thought: in the Meta-Thinker's examples and request, and in the Instructor prompt (ALGORITHMS §2.4).</summary>
    public const string MetaThought = "### Meta-Thought:";

    /// <summary>The Meta-Thinker's instruction (IoRT): a plan or principle for the last question, never its solution or a number from its answer.</summary>
    public const string MetaThinkerInstruction =
        "Write the meta-thought for the last question: the high-level strategy or principle that solves it, in one or two " +
        "sentences. Do not solve it and do not state any number of its answer.";

    /// <summary>Heading before the response the IoRT Reflector critiques and revises.</summary>
    public const string AnswerUnderReflection = "### Answer:";

    /// <summary>The IoRT Reflector's critique request (CRITIC-style, ALGORITHMS §2.4).</summary>
    public const string CritiqueRequest = "What's the problem with the above answer?";

    /// <summary>The IoRT Reflector's revision request that follows its critique.</summary>
    public const string ReviseInstruction =
        "Using the problems you found, write the better answer. Begin with \"Here's the better answer:\", then solve the " +
        "problem step by step with each step on a new line as \"Step n:\", and put the final answer within \\boxed{}. " +
        "If you found no problem, repeat the answer unchanged.";

    /// <summary>The line that opens the Reflector's revised response (ALGORITHMS §2.4).</summary>
    public const string BetterAnswerLead = "Here's the better answer:";

    /// <summary>Start of the heading of a numbered response in the Instructor prompt: "### CoT n:" (responses numbered in creation order).</summary>
    public const string CotHeading = "### CoT ";

    /// <summary>The Instructor's request when the two answers differ (select, ALGORITHMS §2.4).</summary>
    public const string InstructorSelectInstruction =
        "The two responses give different answers. Using the meta-thought as the criterion, check both and give your reason, " +
        "then end with \"Better COT after comparison: COT <n>\" naming the better response.";

    /// <summary>The Instructor's request when the two answers agree (stop or refresh, ALGORITHMS §2.4).</summary>
    public const string InstructorAgreementInstruction =
        "The two responses give the same answer. Using the meta-thought as the criterion, judge whether that answer is sound " +
        "and give your reason, then end with \"Decision: Stop iteration.\" if it is sound or " +
        "\"Decision: Refreshing the response.\" if it is wrong.";

    /// <summary>What the Instructor's select output ends with, followed by the chosen response's number.</summary>
    public const string BetterCot = "Better COT after comparison: COT";

    /// <summary>The Instructor's stop decision (ALGORITHMS §2.4).</summary>
    public const string DecisionStop = "Decision: Stop iteration.";

    /// <summary>The Instructor's refresh decision (ALGORITHMS §2.4).</summary>
    public const string DecisionRefresh = "Decision: Refreshing the response.";

    /// <summary>What the Instructor prompt shows in place of a meta-thought when none is used (the no-meta-thought ablation).</summary>
    public const string NoMetaThought = "(none)";
}
