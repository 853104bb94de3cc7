using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Prompts;

namespace Agents.Core.Refining;

/// <summary>What is wrong with a reviewer reply, if anything.</summary>
public enum ReviewIssue
{
    /// <summary>Usable feedback.</summary>
    None,

    /// <summary>Nothing left after removing the echoed prefix.</summary>
    Empty,

    /// <summary>The model declined (<see cref="PromptMarkers.CannotSolve"/>).</summary>
    Refused,

    /// <summary>Not text: no letters, replacement characters, or mostly symbols.</summary>
    Garbled,

    /// <summary>Usable, but the reviewer wrote a boxed answer although told not to write a new solution.</summary>
    WroteSolution,
}

/// <summary>A parsed reviewer reply.</summary>
/// <param name="Feedback">The feedback text without the echoed heading and prefix, cut before any new "### " block.</param>
/// <param name="Issue">What is wrong with it, if anything.</param>
public sealed record Review(string Feedback, ReviewIssue Issue)
{
    /// <summary>True when the reply has any issue (including <see cref="ReviewIssue.WroteSolution"/>).</summary>
    public bool Flagged => Issue != ReviewIssue.None;

    /// <summary>True when the feedback can be passed to the refiner.</summary>
    public bool Usable => Issue is ReviewIssue.None or ReviewIssue.WroteSolution;
}

/// <summary>Parses a reviewer reply (either the continuation of the prefill or a reply that repeats the prefix).</summary>
public static partial class ReviewParser
{
    private const double MinTextShare = 0.6;

    /// <summary>Extracts the feedback and flags empty, refused or garbled replies.</summary>
    public static Review Parse(string? reply)
    {
        var text = (reply ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        text = StripLeading(text, ReviewerPrompt.FeedbackHeading);
        text = StripLeading(text, ReviewerPrompt.Prefix);
        var next = NextBlock().Match(text);
        if (next.Success)
        {
            text = text[..next.Index];
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            return new Review(string.Empty, ReviewIssue.Empty);
        }

        if (text == PromptMarkers.CannotSolve)
        {
            return new Review(text, ReviewIssue.Refused);
        }

        if (IsGarbled(text))
        {
            return new Review(text, ReviewIssue.Garbled);
        }

        return new Review(text, AnswerExtractor.LastBoxed(text) is null ? ReviewIssue.None : ReviewIssue.WroteSolution);
    }

    internal static string StripLeading(string text, string prefix) =>
        text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..].TrimStart() : text;

    private static bool IsGarbled(string text)
    {
        if (text.Contains('\uFFFD', StringComparison.Ordinal) || !text.Any(char.IsLetter))
        {
            return true;
        }

        var plain = text.Count(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c));
        return plain < MinTextShare * text.Length;
    }

    [GeneratedRegex(@"^###[ \t]", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex NextBlock();
}
