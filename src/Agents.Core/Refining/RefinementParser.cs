using System.Text.RegularExpressions;
using Agents.Core.Solving;

namespace Agents.Core.Refining;

/// <summary>Parses a refiner reply into a <see cref="Solution"/> (either the continuation of the prefill or a reply that repeats it).</summary>
public static partial class RefinementParser
{
    /// <summary>The refined chain: echoed heading and announcement removed, cut before any new "### " block, copied score annotations removed.</summary>
    public static string Clean(string? reply)
    {
        var text = (reply ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        text = ReviewParser.StripLeading(text, RefinerPrompt.RevisedSolutionHeading);
        text = ReviewParser.StripLeading(text, RefinerPrompt.Announcement);
        foreach (var sentence in AnnouncementSentences())
        {
            text = ReviewParser.StripLeading(text, sentence);
        }

        var next = NextBlock().Match(text);
        if (next.Success)
        {
            text = text[..next.Index];
        }

        return ScoreAnnotation().Replace(text, string.Empty).Trim();
    }

    /// <summary>The refined solution: <see cref="Clean"/> then <see cref="SolutionParser.Parse"/>.</summary>
    public static Solution Parse(string? reply) => SolutionParser.Parse(Clean(reply));

    private static IEnumerable<string> AnnouncementSentences() =>
        SentenceEnd().Split(RefinerPrompt.Announcement).Where(s => s.Length > 0);

    [GeneratedRegex(@"(?<=\.)[ ]", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^###[ \t]", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex NextBlock();

    [GeneratedRegex(@"[ \t]*\(Score:[ \t]*[0-9]+(?:\.[0-9]+)?[ \t]*/[ \t]*10\)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ScoreAnnotation();
}
