using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Solving;

/// <summary>Builds the zero-shot solver prompt (docs/algorithms.md §1.5), template <c>solver.user</c>: the question, then the boxed-answer instruction.</summary>
public static class SolverPrompt
{
    /// <summary>The chat messages sent to the model for one solver call.</summary>
    public static IList<ChatMessage> Build(string question) =>
    [
        new(ChatRole.User, PromptTemplates.Current.Render("solver.user", ("question", question.Trim()))),
    ];

    /// <summary>Recovers the question from a solver prompt built by <see cref="Build"/>, or null.</summary>
    public static string? TryReadQuestion(string userMessage)
    {
        var start = userMessage.IndexOf(PromptMarkers.Question, StringComparison.Ordinal);
        var end = userMessage.LastIndexOf(PromptMarkers.SolverInstruction, StringComparison.Ordinal);
        if (start < 0 || end < 0 || end <= start)
        {
            return null;
        }

        start += PromptMarkers.Question.Length;
        return userMessage[start..end].Trim();
    }
}
