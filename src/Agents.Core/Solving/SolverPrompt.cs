using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Solving;

/// <summary>
/// Builds the solver prompt (docs/algorithms.md §1.5): the project's zero-shot prompt (template <c>solver.user</c>: the
/// question, then the boxed-answer instruction), or the released MAgICoRe code's prompt (<see cref="BuildReleased"/>).
/// </summary>
public static class SolverPrompt
{
    /// <summary>What the released code appends to the question (exact, with its leading space).</summary>
    public const string ReleasedInstruction = " Place your answer in \\boxed{}.";

    /// <summary>The released code's prefill of the assistant turn, also prepended to the stored reasoning.</summary>
    public const string ReleasedPrefill = "Step 1:";

    /// <summary>The chat messages sent to the model for one solver call (the project's prompt, rendered with <paramref name="templates"/>).</summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string question)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return [new(ChatRole.User, templates.Render("solver.user", ("question", question.Trim())))];
    }

    /// <summary>
    /// The released code's solver prompt: one user message, the question followed by <see cref="ReleasedInstruction"/>,
    /// and the assistant turn prefilled with <see cref="ReleasedPrefill"/> (a final, unfinished assistant message).
    /// Not a template: it is the released string and only changes with the code it reproduces.
    /// </summary>
    public static IList<ChatMessage> BuildReleased(string question) =>
    [
        new(ChatRole.User, question.Trim() + ReleasedInstruction),
        new(ChatRole.Assistant, ReleasedPrefill),
    ];

    /// <summary>The messages for a prompt style (<see cref="SolverPromptStyles"/>).</summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string question, string? style) =>
        SolverPromptStyles.IsReleased(style) ? BuildReleased(question) : Build(templates, question);

    /// <summary>Recovers the question from a solver prompt built by <see cref="Build(PromptTemplates, string)"/> or <see cref="BuildReleased"/>, or null.</summary>
    public static string? TryReadQuestion(string userMessage)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        var start = userMessage.IndexOf(PromptMarkers.Question, StringComparison.Ordinal);
        var end = userMessage.LastIndexOf(PromptMarkers.SolverInstruction, StringComparison.Ordinal);
        if (start < 0 || end < 0 || end <= start)
        {
            return userMessage.EndsWith(ReleasedInstruction, StringComparison.Ordinal) && userMessage.Length > ReleasedInstruction.Length
                ? userMessage[..^ReleasedInstruction.Length].Trim()
                : null;
        }

        start += PromptMarkers.Question.Length;
        return userMessage[start..end].Trim();
    }
}

/// <summary>The solver prompt styles a solve request can name.</summary>
public static class SolverPromptStyles
{
    /// <summary>The project's prompt (empty in a request means this).</summary>
    public const string Project = "project";

    /// <summary>The released MAgICoRe code's prompt with the "Step 1:" prefill (code mode).</summary>
    public const string Released = "released";

    /// <summary>True for <see cref="Released"/>.</summary>
    public static bool IsReleased(string? style) => string.Equals(style, Released, StringComparison.Ordinal);
}
