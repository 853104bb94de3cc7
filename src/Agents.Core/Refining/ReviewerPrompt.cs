using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Refining;

/// <summary>
/// Builds MAgICoRe's Reviewer prompt (docs/algorithms.md §1.5, <c>llama_reviewer_prompt</c> + <c>c_postfix</c>): the instruction
/// (template <c>reviewer.system</c>), one in-context example as a user/assistant exchange, the target
/// <c>### Question:</c> / <c>### Current Solution:</c> block (<c>magicore.solution</c>), and the generation prefix
/// (<c>reviewer.prefix</c>).
/// </summary>
/// <remarks>
/// The reply is headed <see cref="FeedbackHeading"/> (in the example and the prefix) so that a reader of the joined
/// prompt, like the simulated model, sees the current solution end where the heading starts.
/// </remarks>
public static class ReviewerPrompt
{
    /// <summary>The heading of the reviewer's reply.</summary>
    public const string FeedbackHeading = "### Feedback:";

    /// <summary>The exact generation prefix of the original reviewer prompt (the default template's second line; parsers strip it).</summary>
    public const string Prefix = "Let's review the steps with lower scores and identify the errors.";

    /// <summary>
    /// The chat messages of one reviewer call on an annotated chain; the generation prefix is the template
    /// <c>reviewer.prefix</c> (by default the heading line, then <see cref="Prefix"/>).
    /// </summary>
    public static IList<ChatMessage> Build(
        PromptTemplates templates,
        string question,
        string annotatedChain,
        PrefixStyle style = PrefixStyle.AssistantPrefill,
        MagicoreExample? example = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(annotatedChain);
        example ??= MagicoreExample.Math;
        var prefix = templates.Render("reviewer.prefix");
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, System(templates, templates.Render("reviewer.system"), prefix, style)),
            new(ChatRole.User, Target(templates, example.Question, example.ScoredSolution)),
            new(ChatRole.Assistant, $"{prefix}\n{example.Feedback}"),
            new(ChatRole.User, Target(templates, question, annotatedChain)),
        };
        if (style == PrefixStyle.AssistantPrefill)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, prefix));
        }

        return messages;
    }

    /// <summary>The system message: the instruction, plus the prefix to begin with when the prefix cannot be prefilled.</summary>
    internal static string System(PromptTemplates templates, string instruction, string prefix, PrefixStyle style) =>
        style == PrefixStyle.Instruction
            ? templates.Render("prefix-instruction", ("instruction", instruction), ("prefix", prefix))
            : instruction;

    internal static string Target(PromptTemplates templates, string question, string annotatedChain) =>
        templates.Render("magicore.solution", ("question", question.Trim()), ("solution", annotatedChain.TrimEnd()));
}
