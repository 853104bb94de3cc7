using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Refining;

/// <summary>
/// Builds MAgICoRe's Refiner prompt (docs/algorithms.md §1.5, <c>llama_refiner_prompt</c> + <c>r_postfix</c>): the instruction
/// (template <c>refiner.system</c>, plus <c>refiner.multiple-choice</c>), one in-context example, the target
/// <c>### Question:</c> / <c>### Current Solution:</c> (the scored chain) / <c>### Teacher Feedback:</c> block
/// (<c>magicore.solution-feedback</c>), and the generation prefix <c>### Revised Solution:</c> + two announcement
/// sentences (<c>refiner.prefix</c>).
/// </summary>
public static class RefinerPrompt
{
    /// <summary>The heading that opens the refiner's reply.</summary>
    public const string RevisedSolutionHeading = "### Revised Solution:";

    /// <summary>
    /// The two fixed sentences after the heading in the default template (wording ours; the original's are not quoted in
    /// our sources). Parsers strip them from a reply.
    /// </summary>
    public const string Announcement =
        "Let me review the current solution and the teacher's feedback carefully. " +
        "Then I will solve the problem again step by step and fix the errors.";

    /// <summary>
    /// The chat messages of one refiner call. <paramref name="multipleChoiceLine"/> adds the A/B/C/D line: always in
    /// code mode (the quirk), only for multiple-choice datasets in paper mode. The generation prefix is the template
    /// <c>refiner.prefix</c> (by default the heading line, then <see cref="Announcement"/>).
    /// </summary>
    public static IList<ChatMessage> Build(
        PromptTemplates templates,
        string question,
        string annotatedChain,
        string feedback,
        bool multipleChoiceLine = false,
        PrefixStyle style = PrefixStyle.AssistantPrefill,
        MagicoreExample? example = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(annotatedChain);
        ArgumentNullException.ThrowIfNull(feedback);
        example ??= MagicoreExample.Math;
        var instruction = templates.Render("refiner.system");
        if (multipleChoiceLine)
        {
            instruction = $"{instruction} {templates.Render("refiner.multiple-choice")}";
        }

        var prefix = templates.Render("refiner.prefix");
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, ReviewerPrompt.System(templates, instruction, prefix, style)),
            new(ChatRole.User, Target(templates, example.Question, example.ScoredSolution, example.Feedback)),
            new(ChatRole.Assistant, $"{prefix}\n{example.RefinedSolution}"),
            new(ChatRole.User, Target(templates, question, annotatedChain, feedback)),
        };
        if (style == PrefixStyle.AssistantPrefill)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, prefix));
        }

        return messages;
    }

    private static string Target(PromptTemplates templates, string question, string annotatedChain, string feedback) =>
        templates.Render(
            "magicore.solution-feedback", ("question", question.Trim()), ("solution", annotatedChain.TrimEnd()), ("feedback", feedback.Trim()));
}
