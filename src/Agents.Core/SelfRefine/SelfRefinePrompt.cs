using System.Text;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfRefine;

/// <summary>
/// Builds the Self-Refine prompts (docs/algorithms.md) for natural-language CoT with a boxed answer. The
/// history of earlier rounds is replayed as user/assistant exchanges before the current solution, so each round sees every
/// (solution, feedback, rewrite) before it.
/// </summary>
/// <remarks>
/// The official GSM task asks for feedback and rewrite in one call (<see cref="BuildCombined"/>, the default form); the
/// two-call form splits them into a feedback call and a refine call (as in Self-Refine's other tasks). The blocks reuse
/// the <see cref="PromptMarkers"/> headings so the simulated model answers them as reviewer and refiner prompts.
/// </remarks>
public static class SelfRefinePrompt
{
    /// <summary>
    /// The one-call round on <paramref name="currentSolution"/>: earlier rounds as few-shot exchanges (solution → feedback
    /// and rewrite), then the current solution; the reply is the feedback, then the rewrite under the revised-solution
    /// heading (<see cref="SelfRefineReply.Parse"/>).
    /// </summary>
    public static IList<ChatMessage> BuildCombined(PromptTemplates templates, string question, IReadOnlyList<SelfRefineTurn> history, string currentSolution)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(currentSolution);
        var messages = Preamble(templates, templates.Render("self-refine.system"), question, history);
        messages.Add(new ChatMessage(ChatRole.User, PromptMarkers.FeedbackThenRewrite + "\n\n" + Block(templates, question, currentSolution)));
        messages.Add(new ChatMessage(ChatRole.Assistant, ReviewerPrompt.FeedbackHeading));
        return messages;
    }

    /// <summary>The prompt of the feedback call on <paramref name="currentSolution"/> after the rounds in <paramref name="history"/>.</summary>
    public static IList<ChatMessage> BuildFeedback(PromptTemplates templates, string question, IReadOnlyList<SelfRefineTurn> history, string currentSolution)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(currentSolution);
        // Template self-refine.feedback.system: the GSM task's fixed instruction adapted from code blocks to steps.
        var messages = Preamble(templates, templates.Render("self-refine.feedback.system"), question, history);
        messages.Add(new ChatMessage(ChatRole.User, Block(templates, question, currentSolution)));
        messages.Add(new ChatMessage(ChatRole.Assistant, ReviewerPrompt.FeedbackHeading));
        return messages;
    }

    /// <summary>The prompt of the refine call that rewrites <paramref name="currentSolution"/> using <paramref name="feedback"/>.</summary>
    public static IList<ChatMessage> BuildRefine(
        PromptTemplates templates,
        string question,
        IReadOnlyList<SelfRefineTurn> history,
        string currentSolution,
        string feedback)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(currentSolution);
        ArgumentNullException.ThrowIfNull(feedback);
        var messages = Preamble(templates, templates.Render("self-refine.refine.system"), question, history);
        messages.Add(new ChatMessage(
            ChatRole.User,
            templates.Render(
                "magicore.solution-feedback", ("question", question.Trim()), ("solution", currentSolution.Trim()), ("feedback", feedback.Trim()))));
        messages.Add(new ChatMessage(ChatRole.Assistant, RefinerPrompt.RevisedSolutionHeading));
        return messages;
    }

    private static List<ChatMessage> Preamble(PromptTemplates templates, string instruction, string question, IReadOnlyList<SelfRefineTurn> history)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(history);
        var messages = new List<ChatMessage> { new(ChatRole.System, instruction) };
        foreach (var turn in history)
        {
            messages.Add(new ChatMessage(ChatRole.User, Block(templates, question, turn.Solution)));
            var reply = new StringBuilder()
                .Append(ReviewerPrompt.FeedbackHeading).Append('\n').Append(turn.Feedback.Trim()).Append("\n\n")
                .Append(RefinerPrompt.RevisedSolutionHeading).Append('\n').Append(turn.Rewrite.Trim());
            messages.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
        }

        return messages;
    }

    private static string Block(PromptTemplates templates, string question, string solution) =>
        templates.Render("magicore.solution", ("question", question.Trim()), ("solution", solution.Trim()));
}
