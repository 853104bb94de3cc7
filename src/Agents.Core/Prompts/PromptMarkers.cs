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
}
