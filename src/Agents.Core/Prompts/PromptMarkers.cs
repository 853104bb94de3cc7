namespace Agents.Core.Prompts;

/// <summary>
/// Fixed strings of the project's role prompts. Prompt builders write them and parsers (and the simulated
/// model, which recognises the role of a prompt by them) read them, so they live in one place.
/// </summary>
public static class PromptMarkers
{
    /// <summary>The solver's instruction that follows the question (docs/algorithms.md §1.5: answer in \boxed{}).</summary>
    public const string SolverInstruction =
        "Solve the problem step by step. Begin each step on a new line with \"Step n:\". " +
        "Put your final answer within \\boxed{}.";

    /// <summary>Heading before the question in every role prompt.</summary>
    public const string Question = "### Question:";

    /// <summary>Heading before the solution under review or refinement.</summary>
    public const string CurrentSolution = "### Current Solution:";

    /// <summary>Heading before the reviewer's feedback in the refiner prompt.</summary>
    public const string TeacherFeedback = "### Teacher Feedback:";

    /// <summary>
    /// Self-Refine's one-call round (the official loop): the request that opens the last user turn, asking for the
    /// feedback and then, unless it is correct, the rewrite under the revised-solution heading.
    /// </summary>
    public const string FeedbackThenRewrite =
        "Write your feedback on the current solution. If it is correct, say \"it is correct\". Otherwise write " +
        "\"### Revised Solution:\" after the feedback, then the rewritten solution.";

    /// <summary>What a model (the simulated one) answers when a question is outside what it can solve.</summary>
    public const string CannotSolve = "I cannot solve this problem.";

    /// <summary>Heading before a meta-thought: in the Meta-Thinker's examples and request, and in the Instructor prompt (docs/algorithms.md §2.4).</summary>
    public const string MetaThought = "### Meta-Thought:";

    /// <summary>The Meta-Thinker's instruction (IoRT): a plan or principle for the last question, never its solution or a number from its answer.</summary>
    public const string MetaThinkerInstruction =
        "Write the meta-thought for the last question: the high-level strategy or principle that solves it, in one or two " +
        "sentences. Do not solve it and do not state any number of its answer.";

    /// <summary>Heading before the response the IoRT Reflector critiques and revises.</summary>
    public const string AnswerUnderReflection = "### Answer:";

    /// <summary>The IoRT Reflector's critique request (CRITIC-style, docs/algorithms.md §2.4).</summary>
    public const string CritiqueRequest = "What's the problem with the above answer?";

    /// <summary>The IoRT Reflector's revision request that follows its critique.</summary>
    public const string ReviseInstruction =
        "Using the problems you found, write the better answer. Begin with \"Here's the better answer:\", then solve the " +
        "problem step by step with each step on a new line as \"Step n:\", and put the final answer within \\boxed{}. " +
        "If you found no problem, repeat the answer unchanged.";

    /// <summary>The line that opens the Reflector's revised response (docs/algorithms.md §2.4).</summary>
    public const string BetterAnswerLead = "Here's the better answer:";

    /// <summary>Start of the heading of a numbered response in the Instructor prompt: "### CoT n:" (responses numbered in creation order).</summary>
    public const string CotHeading = "### CoT ";

    /// <summary>The Instructor's request when the two answers differ (select, docs/algorithms.md §2.4).</summary>
    public const string InstructorSelectInstruction =
        "The two responses give different answers. Using the meta-thought as the criterion, check both and give your reason, " +
        "then end with \"Better COT after comparison: COT <n>\" naming the better response.";

    /// <summary>The Instructor's request when the two answers agree (stop or refresh, docs/algorithms.md §2.4).</summary>
    public const string InstructorAgreementInstruction =
        "The two responses give the same answer. Using the meta-thought as the criterion, judge whether that answer is sound " +
        "and give your reason, then end with \"Decision: Stop iteration.\" if it is sound or " +
        "\"Decision: Refreshing the response.\" if it is wrong.";

    /// <summary>What the Instructor's select output ends with, followed by the chosen response's number.</summary>
    public const string BetterCot = "Better COT after comparison: COT";

    /// <summary>The Instructor's stop decision (docs/algorithms.md §2.4).</summary>
    public const string DecisionStop = "Decision: Stop iteration.";

    /// <summary>The Instructor's refresh decision (docs/algorithms.md §2.4).</summary>
    public const string DecisionRefresh = "Decision: Refreshing the response.";

    /// <summary>What the Instructor prompt shows in place of a meta-thought when none is used (the no-meta-thought ablation).</summary>
    public const string NoMetaThought = "(none)";

    /// <summary>SPC critic: heading of the problem section of the user message (docs/algorithms.md §3.4, exact).</summary>
    public const string CriticProblem = "## Problem";

    /// <summary>SPC critic: heading of the partial-solution section (the previous steps joined by a blank line).</summary>
    public const string CriticPartialSolution = "## Partial Solution";

    /// <summary>SPC critic: heading of the step under judgment.</summary>
    public const string CriticLastStep = "## Last Step";

    /// <summary>SPC critic: the partial solution shown when the first step is judged (docs/algorithms.md §3.4, exact).</summary>
    public const string CriticEmptyPartialSolution = "Let's solve this problem.";

    /// <summary>SPC critic: opening tag of the verdict.</summary>
    public const string VerdictOpen = "<Answer>";

    /// <summary>SPC critic: closing tag of the verdict.</summary>
    public const string VerdictClose = "</Answer>";

    /// <summary>SPC critic: the system message (a paraphrase of the released one; the section names and tags are exact).</summary>
    public const string CriticInstruction =
        "You are a helpful critic. Given a math Problem, a Partial Solution and its current Last Step, critique the " +
        "correctness of the Last Step with a step-by-step analysis in three parts: (1) analyse the general thought of the " +
        "partial solution; (2) give a brief critique of the Last Step consistent with that summary; (3) write a conclusion " +
        "that ends with <Answer>Correct</Answer> if the Last Step is correct or <Answer>Incorrect</Answer> if it is not.";

    /// <summary>SPC sneaky generator: heading of the correct step it must turn into a subtly wrong one.</summary>
    public const string SneakyCorrectStep = "## Correct Step";

    /// <summary>SPC sneaky generator: heading of the list of error types it may choose from.</summary>
    public const string SneakyErrorTypes = "## Error Types";

    /// <summary>SPC sneaky generator: label of the output line that names the chosen error type.</summary>
    public const string SneakyErrorTypeLabel = "Error Type:";

    /// <summary>SPC sneaky generator: label before the modified (incorrect) step, the last part of its output.</summary>
    public const string SneakyModifiedStepLabel = "Modified Step:";

    /// <summary>SPC sneaky generator: the instruction (docs/algorithms.md §3.3: name an error type and plan, then write the modified step).</summary>
    public const string SneakyInstruction =
        "Rewrite the Correct Step so that it contains one subtle error of one of the listed Error Types, keeping its style " +
        "and length, so that a careful reader is unlikely to notice. First write \"Error Type: <type>\" naming the type you " +
        "chose, then a short plan of the change, then \"Modified Step:\" followed by the modified step only.";

    /// <summary>Heading before the steps a solver must continue from (SPC attack validation).</summary>
    public const string PartialSolution = "### Partial Solution:";

    /// <summary>The solver's instruction to continue a partial solution (SPC attack validation and critic-guided search).</summary>
    public const string ContinueInstruction =
        "Continue the partial solution from its next step. Write only the remaining steps, each on a new line as " +
        "\"Step n:\", and put your final answer within \\boxed{}.";

    /// <summary>The solver's instruction to write only the next step of a partial solution (critic-guided search).</summary>
    public const string NextStepInstruction =
        "Write only the next step of the partial solution, on one line as \"Step n:\". If it finishes the solution, end it " +
        "with the final answer within \\boxed{}.";
}
