using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>Pulls the final answer out of a model response or a reference solution (ALGORITHMS §5).</summary>
public static partial class AnswerExtractor
{
    /// <summary>
    /// The answer of a response: the last <c>\boxed{}</c>/<c>\fbox{}</c>, else the number after "The answer is",
    /// else the GSM8K <c>#### N</c> tail; null when none is present.
    /// </summary>
    public static string? Extract(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return LastBoxed(text) ?? AfterAnswerPhrase(text) ?? Gsm8kGold(text);
    }

    /// <summary>The content of the last <c>\boxed{…}</c> (else <c>\fbox{…}</c>), braces matched; null when absent.</summary>
    public static string? LastBoxed(string text)
    {
        var start = text.LastIndexOf("\\boxed", StringComparison.Ordinal);
        var prefix = "\\boxed";
        if (start < 0)
        {
            start = text.LastIndexOf("\\fbox", StringComparison.Ordinal);
            prefix = "\\fbox";
        }

        if (start < 0)
        {
            return null;
        }

        var i = start + prefix.Length;
        if (i < text.Length && text[i] == ' ')
        {
            // "\boxed 5" (no braces): the answer runs to the next "$" or whitespace.
            var rest = text[(i + 1)..];
            var stop = rest.IndexOfAny(['$', ' ', '\n']);
            var bare = (stop < 0 ? rest : rest[..stop]).Trim();
            return bare.Length == 0 ? null : bare;
        }

        if (i >= text.Length || text[i] != '{')
        {
            return null;
        }

        var depth = 0;
        for (var j = i; j < text.Length; j++)
        {
            if (text[j] == '{')
            {
                depth++;
            }
            else if (text[j] == '}')
            {
                depth--;
                if (depth == 0)
                {
                    return text[(i + 1)..j];
                }
            }
        }

        return null;
    }

    /// <summary>The number after the last "The answer is" (case-insensitive), commas removed; null when absent.</summary>
    public static string? AfterAnswerPhrase(string text)
    {
        var matches = AnswerPhrase().Matches(text);
        return matches.Count == 0 ? null : matches[^1].Groups["n"].Value.Replace(",", "", StringComparison.Ordinal).TrimEnd('.');
    }

    /// <summary>The GSM8K gold: the number after <c>#### </c>, commas removed; null when absent.</summary>
    public static string? Gsm8kGold(string text)
    {
        var match = Gsm8kTail().Match(text);
        return match.Success ? match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal).TrimEnd('.') : null;
    }

    /// <summary>
    /// The content of the last display or inline math span (<c>$$…$$</c>, <c>$…$</c>, <c>\[…\]</c>, <c>\(…\)</c>), trimmed;
    /// null when there is none. Not part of <see cref="Extract"/>: MAgICoRe treats a chain without <c>oxed{}</c> as unanswered.
    /// </summary>
    public static string? LastMath(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = MathSpan().Matches(text);
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            var body = matches[i].Groups["b"].Value.Trim();
            if (body.Length > 0)
            {
                return body;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\$\$(?<b>.+?)\$\$|(?<!\\)\$(?<b>[^$]+?)(?<!\\)\$|\\\[(?<b>.+?)\\\]|\\\((?<b>.+?)\\\)", RegexOptions.Singleline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MathSpan();

    [GeneratedRegex(@"the answer is:?\s*\$?(?<n>-?[0-9][0-9,]*(?:\.[0-9]+)?)", RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex AnswerPhrase();

    [GeneratedRegex(@"####\s*(?<n>-?[0-9.,]+)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex Gsm8kTail();
}
