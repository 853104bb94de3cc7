using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>One response as the Instructor sees it: its creation-order number ("CoT n") and its text.</summary>
/// <param name="Number">0 for the initial response, then one more for every revision or refresh.</param>
/// <param name="Text">The full response.</param>
public sealed record NumberedResponse(int Number, string Text);

/// <summary>
/// Builds the IoRT Instructor's prompts (select when answers differ; stop or refresh when they agree) with the meta-thought as
/// criterion, and parses its final markers (docs/algorithms.md §2.4).
/// </summary>
public static partial class InstructorPrompt
{
    /// <summary>The chat messages of a select call: question, meta-thought, both numbered responses, then the select request.</summary>
    public static IList<ChatMessage> BuildSelect(PromptTemplates templates, string question, string? metaThought, NumberedResponse basic, NumberedResponse reflective) =>
        Build(templates, question, metaThought, basic, reflective, "iort.instructor.select");

    /// <summary>The chat messages of a stop-or-refresh call: question, meta-thought, both numbered responses, then the agreement request.</summary>
    public static IList<ChatMessage> BuildAgreement(PromptTemplates templates, string question, string? metaThought, NumberedResponse basic, NumberedResponse reflective) =>
        Build(templates, question, metaThought, basic, reflective, "iort.instructor.agreement");

    /// <summary>
    /// Parses a select output (never throws): the last "Better COT after comparison: COT n" (also "CoT"/"Code", any case);
    /// invalid when absent or when n is neither offered number.
    /// </summary>
    public static InstructorDecision ParseSelect(string? text, int first, int second)
    {
        var body = text?.Trim() ?? string.Empty;
        var matches = BetterMarker().Matches(body);
        if (matches.Count == 0)
        {
            return new InstructorDecision(IortInstruction.Select, null, body, false);
        }

        var last = matches[^1];
        var valid = int.TryParse(last.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && (n == first || n == second);
        return new InstructorDecision(IortInstruction.Select, valid ? n : null, valid ? body[..last.Index].Trim() : body, valid);
    }

    /// <summary>
    /// Parses a stop-or-refresh output (never throws): the last "Decision:" line naming stop or refresh; invalid (reported as
    /// Stop, for the caller's fallback to decide) when absent or ambiguous.
    /// </summary>
    public static InstructorDecision ParseAgreement(string? text)
    {
        var body = text?.Trim() ?? string.Empty;
        var matches = DecisionMarker().Matches(body);
        if (matches.Count == 0)
        {
            return new InstructorDecision(IortInstruction.Stop, null, body, false);
        }

        var last = matches[^1];
        var what = last.Groups["what"].Value;
        var stop = what.Contains("stop", StringComparison.OrdinalIgnoreCase);
        var refresh = what.Contains("refresh", StringComparison.OrdinalIgnoreCase);
        if (stop == refresh)
        {
            return new InstructorDecision(IortInstruction.Stop, null, body, false);
        }

        return new InstructorDecision(stop ? IortInstruction.Stop : IortInstruction.Refresh, null, body[..last.Index].Trim(), true);
    }

    /// <summary>The heading of a numbered response: "### CoT n:".</summary>
    public static string Heading(int number) => string.Create(CultureInfo.InvariantCulture, $"{PromptMarkers.CotHeading}{number}:");

    // Template iort.instructor.user around the instruction template (iort.instructor.select or .agreement).
    private static IList<ChatMessage> Build(
        PromptTemplates templates, string question, string? metaThought, NumberedResponse basic, NumberedResponse reflective, string instruction)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(basic);
        ArgumentNullException.ThrowIfNull(reflective);
        var meta = string.IsNullOrWhiteSpace(metaThought) ? PromptMarkers.NoMetaThought : metaThought.Trim();
        var text = templates.Render(
            "iort.instructor.user",
            ("question", question.Trim()),
            ("meta_thought", meta),
            ("first_number", basic.Number.ToString(CultureInfo.InvariantCulture)),
            ("first", basic.Text.Trim()),
            ("second_number", reflective.Number.ToString(CultureInfo.InvariantCulture)),
            ("second", reflective.Text.Trim()),
            ("instruction", templates.Render(instruction)));
        return [new(ChatRole.User, text)];
    }

    [GeneratedRegex(@"Better\s+(?:COT|Code)\s+after\s+comparison\s*:\s*(?:COT|Code)\s*(?<n>[0-9]+)", RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex BetterMarker();

    [GeneratedRegex(@"Decision\s*:\s*(?<what>[^\n]*)", RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex DecisionMarker();
}
