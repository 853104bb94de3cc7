using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Refining;

/// <summary>
/// Builds MAgICoRe's Reviewer prompt (ALGORITHMS §1.5, <c>llama_reviewer_prompt</c> + <c>c_postfix</c>): the instruction,
/// one in-context example as a user/assistant exchange, the target <c>### Question:</c> / <c>### Current Solution:</c>
/// block, and the generation prefix.
/// </summary>
/// <remarks>
/// The reply is headed <see cref="FeedbackHeading"/> (in the example and the prefix) so that a reader of the joined
/// prompt, like the simulated model, sees the current solution end where the heading starts.
/// </remarks>
public static class ReviewerPrompt
{
    /// <summary>The heading of the reviewer's reply.</summary>
    public const string FeedbackHeading = "### Feedback:";

    /// <summary>The exact generation prefix of the original reviewer prompt.</summary>
    public const string Prefix = "Let's review the steps with lower scores and identify the errors.";

    /// <summary>The instruction (a paraphrase of the original).</summary>
    public const string Instruction =
        "You are a math teacher. Give step-by-step feedback on the current solution to the question. " +
        "Each step of the solution ends with a score in the form (Score: n/10) from a verifier: 10 means the step is " +
        "certainly correct and 0 means it is certainly incorrect. Pay attention to the steps with scores lower than 6. " +
        "For each step, say whether it is correct; for a wrong step explain the error and how to fix it. " +
        "Do NOT write a new solution.";

    /// <summary>The full generation prefix: the heading line, then <see cref="Prefix"/>.</summary>
    public static string AssistantPrefix => $"{FeedbackHeading}\n{Prefix}";

    /// <summary>The chat messages of one reviewer call on an annotated chain.</summary>
    public static IList<ChatMessage> Build(
        string question,
        string annotatedChain,
        PrefixStyle style = PrefixStyle.AssistantPrefill,
        MagicoreExample? example = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(annotatedChain);
        example ??= MagicoreExample.Math;
        var system = style == PrefixStyle.Instruction
            ? $"{Instruction}\nBegin your reply with exactly these two lines:\n{AssistantPrefix}"
            : Instruction;
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, system),
            new(ChatRole.User, Target(example.Question, example.ScoredSolution)),
            new(ChatRole.Assistant, $"{AssistantPrefix}\n{example.Feedback}"),
            new(ChatRole.User, Target(question, annotatedChain)),
        };
        if (style == PrefixStyle.AssistantPrefill)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, AssistantPrefix));
        }

        return messages;
    }

    internal static string Target(string question, string annotatedChain) =>
        $"{PromptMarkers.Question}\n{question.Trim()}\n\n{PromptMarkers.CurrentSolution}\n{annotatedChain.TrimEnd()}";
}
