using System.Text;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfRefine;

/// <summary>
/// Builds the Self-Refine feedback and refine prompts (ALGORITHMS §4.5) for natural-language CoT with a boxed answer. The
/// history of earlier rounds is replayed as user/assistant exchanges before the current solution, so each round sees every
/// (solution, feedback, rewrite) before it.
/// </summary>
/// <remarks>
/// The official GSM task asks for feedback and rewrite in one call; we split them into a feedback call and a refine call
/// (as in Self-Refine's other tasks) so the stop rule is tested before any rewrite is generated. The blocks reuse the
/// <see cref="PromptMarkers"/> headings so the simulated model answers them as reviewer and refiner prompts.
/// </remarks>
public static class SelfRefinePrompt
{
    /// <summary>The feedback instruction, the GSM task's fixed instruction adapted from code blocks to steps.</summary>
    public const string FeedbackInstruction =
        "There may be an error in the solution because of a lack of understanding of the question. What is the error? " +
        "To find the error, go through each step of the solution and check if everything looks good. " +
        "Write your feedback step by step. If every step is right, say \"it is correct\". Do not write a new solution.";

    /// <summary>The refine instruction.</summary>
    public const string RefineInstruction =
        "Use the feedback to fix the errors and rewrite the solution. Begin each step on a new line with \"Step n:\" and " +
        "put your final answer within \\boxed{}.";

    /// <summary>The prompt of the feedback call on <paramref name="currentSolution"/> after the rounds in <paramref name="history"/>.</summary>
    public static IList<ChatMessage> BuildFeedback(string question, IReadOnlyList<SelfRefineTurn> history, string currentSolution)
    {
        ArgumentNullException.ThrowIfNull(currentSolution);
        var messages = Preamble(FeedbackInstruction, question, history);
        messages.Add(new ChatMessage(ChatRole.User, Block(question, currentSolution)));
        messages.Add(new ChatMessage(ChatRole.Assistant, ReviewerPrompt.FeedbackHeading));
        return messages;
    }

    /// <summary>The prompt of the refine call that rewrites <paramref name="currentSolution"/> using <paramref name="feedback"/>.</summary>
    public static IList<ChatMessage> BuildRefine(
        string question,
        IReadOnlyList<SelfRefineTurn> history,
        string currentSolution,
        string feedback)
    {
        ArgumentNullException.ThrowIfNull(currentSolution);
        ArgumentNullException.ThrowIfNull(feedback);
        var messages = Preamble(RefineInstruction, question, history);
        messages.Add(new ChatMessage(
            ChatRole.User,
            $"{Block(question, currentSolution)}\n\n{PromptMarkers.TeacherFeedback}\n{feedback.Trim()}"));
        messages.Add(new ChatMessage(ChatRole.Assistant, RefinerPrompt.RevisedSolutionHeading));
        return messages;
    }

    private static List<ChatMessage> Preamble(string instruction, string question, IReadOnlyList<SelfRefineTurn> history)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(history);
        var messages = new List<ChatMessage> { new(ChatRole.System, instruction) };
        foreach (var turn in history)
        {
            messages.Add(new ChatMessage(ChatRole.User, Block(question, turn.Solution)));
            var reply = new StringBuilder()
                .Append(ReviewerPrompt.FeedbackHeading).Append('\n').Append(turn.Feedback.Trim()).Append("\n\n")
                .Append(RefinerPrompt.RevisedSolutionHeading).Append('\n').Append(turn.Rewrite.Trim());
            messages.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
        }

        return messages;
    }

    private static string Block(string question, string solution) =>
        $"{PromptMarkers.Question}\n{question.Trim()}\n\n{PromptMarkers.CurrentSolution}\n{solution.Trim()}";
}
