using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Core.Magicore;

/// <summary>
/// Cuts a chain into the steps the PRM scores (docs/algorithms.md §1.6) and formats the PRM input with the <c>ки</c> step tags.
/// </summary>
/// <remarks>
/// Code mode reproduces <c>add_step_lines</c> + <c>reformat_for_prm_CoT</c>: blank lines collapse to one newline, then
/// every occurrence of "Step 2".."Step 9" (anywhere, even mid-sentence, and as the prefix of "Step 20".."Step 99") starts
/// a new step, while "Step 10".."Step 19" never do. Robust mode cuts before every line-initial "Step n:" (any n); text
/// before the first label is its own step, and a chain without labels is cut at blank lines. Both modes normalise CRLF to
/// LF and trim each step; labels stay in the step text.
/// </remarks>
public static partial class StepSegmentation
{
    /// <summary>The step tag of the Math-Shepherd PRM.</summary>
    public const string StepTag = "ки";

    /// <summary>The chain's steps, in order, for the PRM and the annotation.</summary>
    public static IReadOnlyList<string> Segment(string chain, bool robust)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var text = chain.Replace("\r\n", "\n", StringComparison.Ordinal);
        return robust ? SegmentRobust(text) : SegmentLikeCode(text);
    }

    /// <summary>The formatted chain of <c>reformat_for_prm_CoT</c>: each step closed by " ки", steps separated by newlines.</summary>
    public static string FormatForPrm(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return string.Join("\n", steps.Select(s => $"{s} {StepTag}"));
    }

    /// <summary>The PRM input string: <c>question + " " + formatted chain</c>.</summary>
    public static string PrmInput(string question, string chain, bool robust) =>
        $"{question} {FormatForPrm(Segment(chain, robust))}";

    // add_step_lines, then reformat_for_prm_CoT's strip and split at blank lines.
    private static List<string> SegmentLikeCode(string text)
    {
        text = BlankLines().Replace(text, "\n");
        text = NewlineBeforeStep2To9().Replace(text, "${s}");
        text = Step2To9().Replace(text, "\n\n${s}");
        return [.. text.Trim().Split("\n\n").Select(s => s.Trim()).Where(s => s.Length > 0)];
    }

    private static List<string> SegmentRobust(string text)
    {
        var labels = LineInitialStep().Matches(text);
        if (labels.Count == 0)
        {
            return [.. text.Split("\n\n").Select(s => s.Trim()).Where(s => s.Length > 0)];
        }

        var steps = new List<string>(labels.Count + 1);
        var preamble = text[..labels[0].Index].Trim();
        if (preamble.Length > 0)
        {
            steps.Add(preamble);
        }

        for (var i = 0; i < labels.Count; i++)
        {
            var end = i + 1 < labels.Count ? labels[i + 1].Index : text.Length;
            var step = text[labels[i].Index..end].Trim();
            if (step.Length > 0)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    [GeneratedRegex(@"\n\s*\n", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"\n(?<s>Step [2-9])", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex NewlineBeforeStep2To9();

    [GeneratedRegex(@"(?<s>Step [2-9])", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex Step2To9();

    [GeneratedRegex(@"^[ \t]*Step[ \t]+\d+[ \t]*:", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex LineInitialStep();
}
