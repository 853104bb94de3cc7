using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Refining;

/// <summary>
/// Builds MAgICoRe's Refiner prompt (ALGORITHMS §1.5, <c>llama_refiner_prompt</c> + <c>r_postfix</c>): the instruction,
/// one in-context example, the target <c>### Question:</c> / <c>### Current Solution:</c> (the scored chain) /
/// <c>### Teacher Feedback:</c> block, and the generation prefix <c>### Revised Solution:</c> + two announcement sentences.
/// </summary>
public static class RefinerPrompt
{
    /// <summary>The heading that opens the refiner's reply.</summary>
    public const string RevisedSolutionHeading = "### Revised Solution:";

    /// <summary>The two fixed sentences after the heading (wording ours; the original's are not quoted in our sources).</summary>
    public const string Announcement =
        "Let me review the current solution and the teacher's feedback carefully. " +
        "Then I will solve the problem again step by step and fix the errors.";

    /// <summary>The instruction (a paraphrase of the original).</summary>
    public const string Instruction =
        "You are a math student. A teacher has reviewed your current solution to the question. Each step of the " +
        "solution ends with a verifier score in the form (Score: n/10). Use the teacher's feedback to fix the errors " +
        "and write a better solution. Begin each step on a new line with \"Step n:\" and put your final answer within \\boxed{}.";

    /// <summary>The released prompt's multiple-choice line (ALGORITHMS §1.10.6).</summary>
    public const string MultipleChoiceLine = "The final answer must be one of the options A, B, C or D.";

    /// <summary>The full generation prefix: the heading line, then <see cref="Announcement"/>.</summary>
    public static string AssistantPrefix => $"{RevisedSolutionHeading}\n{Announcement}";

    /// <summary>
    /// The chat messages of one refiner call. <paramref name="multipleChoiceLine"/> adds the A/B/C/D line: always in
    /// code mode (the quirk), only for multiple-choice datasets in paper mode.
    /// </summary>
    public static IList<ChatMessage> Build(
        string question,
        string annotatedChain,
        string feedback,
        bool multipleChoiceLine = false,
        PrefixStyle style = PrefixStyle.AssistantPrefill,
        MagicoreExample? example = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(annotatedChain);
        ArgumentNullException.ThrowIfNull(feedback);
        example ??= MagicoreExample.Math;
        var system = multipleChoiceLine ? $"{Instruction} {MultipleChoiceLine}" : Instruction;
        if (style == PrefixStyle.Instruction)
        {
            system = $"{system}\nBegin your reply with exactly these two lines:\n{AssistantPrefix}";
        }

        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, system),
            new(ChatRole.User, Target(example.Question, example.ScoredSolution, example.Feedback)),
            new(ChatRole.Assistant, $"{AssistantPrefix}\n{example.RefinedSolution}"),
            new(ChatRole.User, Target(question, annotatedChain, feedback)),
        };
        if (style == PrefixStyle.AssistantPrefill)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, AssistantPrefix));
        }

        return messages;
    }

    private static string Target(string question, string annotatedChain, string feedback) =>
        $"{ReviewerPrompt.Target(question, annotatedChain)}\n\n{PromptMarkers.TeacherFeedback}\n{feedback.Trim()}";
}
