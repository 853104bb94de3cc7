using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>An extracted answer and the extraction rule that found it (<c>extracted_by</c>).</summary>
/// <param name="Answer">The answer text as written.</param>
/// <param name="Rule">The rule: minerva, boxed, final-answer, answer-is, gsm8k, answer-label, inline-math, last-number, whole.</param>
public sealed record Extraction(string Answer, string Rule);

/// <summary>Pulls the final answer out of a model response or a reference solution (docs/algorithms.md §5).</summary>
public static partial class AnswerExtractor
{
    /// <summary>Responses longer than this are read from their last this-many characters.</summary>
    public const int MaxResponseLength = 10_000;

    private const int RegexTimeoutMs = 250;

    /// <summary>
    /// The answer a solving chain states, for the strategies' own reading (votes, MAgICoRe, SPC, IoRT): a Minerva line
    /// "The final answer is X. I hope it is correct", else the last <c>\boxed{}</c>/<c>\fbox{}</c>, else the number after
    /// "The answer is", else the GSM8K <c>#### N</c> tail; null when none is present. A chain that states no answer stays
    /// unanswered here (MAgICoRe counts it so); grading a response file uses the fuller <see cref="ExtractWithRule"/>.
    /// </summary>
    public static string? Extract(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return (text.Length <= MaxResponseLength ? Minerva(text)?.Answer : null) ?? LastBoxed(text) ?? AfterAnswerPhrase(text) ?? Gsm8kGold(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The answer of a response and the rule that found it, trying in order: a Minerva line "The final answer is X. I hope it
    /// is correct" (<c>minerva</c>); the last <c>\boxed{}</c>/<c>\fbox{}</c>, with adjacent boxes joined (<c>boxed</c>);
    /// "final answer … is X" (<c>final-answer</c>); "the answer is X" (<c>answer-is</c>); <c>#### X</c> (<c>gsm8k</c>);
    /// "**Answer:** X" / "Answer: X" (<c>answer-label</c>); then whichever comes last of the last inline math
    /// (<c>$…$</c>, <c>$$…$$</c>, <c>\(…\)</c>, <c>\[…\]</c>, adjacent spans joined: <c>inline-math</c>) and the last number
    /// of the text (<c>last-number</c>). Null when nothing is found.
    /// </summary>
    public static Extraction? ExtractWithRule(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MaxResponseLength)
        {
            text = text[^MaxResponseLength..];
        }

        try
        {
            return Minerva(text)
                ?? Rule("boxed", LastBoxedGroup(text))
                ?? Rule("final-answer", Refine(AfterPattern(FinalAnswerIs(), text)))
                ?? Rule("answer-is", Refine(AfterPattern(AnswerIs(), text)))
                ?? Rule("gsm8k", Gsm8kGold(text))
                ?? Rule("answer-label", Refine(AfterPattern(AnswerLabel(), text)))
                ?? LastMathOrNumber(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// A gold answer as datasets store it: a bare answer (<c>9</c>, <c>$9$</c>, <c>\(9\)</c>) is kept whole; a boxed one or a
    /// whole reference solution goes through <see cref="ExtractWithRule"/>.
    /// </summary>
    public static Extraction? PrepareStored(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        try
        {
            return PrepareStoredUnguarded(trimmed);
        }
        catch (RegexMatchTimeoutException)
        {
            return new Extraction(trimmed, "whole");
        }
    }

    private static Extraction? PrepareStoredUnguarded(string trimmed)
    {
        if (trimmed.Contains("\\boxed", StringComparison.Ordinal) || trimmed.Contains("\\fbox", StringComparison.Ordinal) || LooksLikeSolution(trimmed))
        {
            var extracted = ExtractWithRule(trimmed);
            if (extracted is not null)
            {
                return extracted;
            }
        }

        return new Extraction(trimmed, "whole");
    }

    /// <summary>A text reads as a worked solution (rather than an answer) when it has an answer anchor or many words.</summary>
    private static bool LooksLikeSolution(string text)
    {
        if (text.Length > MaxResponseLength)
        {
            return true;
        }

        if (text.Contains("####", StringComparison.Ordinal) || AnswerIs().IsMatch(text) || FinalAnswerIs().IsMatch(text))
        {
            return true;
        }

        var words = 0;
        foreach (Match m in Word().Matches(OutsideMath(text)))
        {
            if (m.Length > 0 && ++words >= 8)
            {
                return true;
            }
        }

        return false;
    }

    private static string OutsideMath(string text) => MathSpan().Replace(text, " ");

    private static Extraction? Rule(string rule, string? answer) =>
        string.IsNullOrWhiteSpace(answer) ? null : new Extraction(answer.Trim(), rule);

    private static Extraction? Minerva(string text)
    {
        var m = MinervaLine().Matches(text);
        return m.Count == 0 ? null : Rule("minerva", Refine(m[^1].Groups["x"].Value));
    }

    private static string? AfterPattern(Regex pattern, string text)
    {
        var matches = pattern.Matches(text);
        if (matches.Count == 0)
        {
            return null;
        }

        var last = matches[^1];
        var rest = text[(last.Index + last.Length)..];
        return Phrase(rest);
    }

    /// <summary>The answer phrase at the start of <paramref name="rest"/>: a math span, else the text up to the end of the sentence.</summary>
    private static string? Phrase(string rest)
    {
        rest = rest.TrimStart(' ', '\t', ':', '*');
        if (rest.Length == 0)
        {
            return null;
        }

        var lead = LeadingMath().Match(rest);
        if (lead.Success)
        {
            var joined = JoinAdjacentMath(rest, lead);
            return joined;
        }

        var end = SentenceEnd().Match(rest);
        return end.Success ? rest[..end.Index] : rest;
    }

    /// <summary>Cleans an answer phrase: drops "I hope it is correct", bold marks and quotes; a sentence keeps its last math span or last number.</summary>
    private static string? Refine(string? phrase)
    {
        if (phrase is null)
        {
            return null;
        }

        var s = phrase.Trim();
        var hope = s.IndexOf("I hope", StringComparison.Ordinal);
        if (hope >= 0)
        {
            s = s[..hope];
        }

        s = s.Replace("**", "", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Trim().Trim('"', '\'', '`').Trim();
        if (s.Length > 0 && s[^1] == '.')
        {
            s = s[..^1].TrimEnd();
        }

        s = s.Trim('"').Trim();
        if (s.Length == 0)
        {
            return null;
        }

        if (LastBoxedGroup(s) is { } boxed)
        {
            return boxed;
        }

        var outside = OutsideMath(s);
        var words = Word().Matches(outside).Count(m => !UnitWord().IsMatch(m.Value));
        if (words <= 1)
        {
            return s;
        }

        // A sentence ("Verna received $7.00 in change"): its last math span or number, whichever is last.
        return LastMathOrNumber(s)?.Answer ?? s;
    }

    private static Extraction? LastMathOrNumber(string text)
    {
        var spans = MathSpan().Matches(text);
        Match? lastSpan = null;
        for (var i = spans.Count - 1; i >= 0; i--)
        {
            if (spans[i].Groups["b"].Value.Trim().Length > 0)
            {
                lastSpan = spans[i];
                break;
            }
        }

        var numbers = NumberToken().Matches(text);
        var lastNumber = numbers.Count == 0 ? null : numbers[^1];
        if (lastNumber is not null && numbers.Count > 1 && TrailingAdverbial().IsMatch(text.AsSpan(0, lastNumber.Index)))
        {
            // "…a total of 34 hours in 4 weeks": the number of a closing "in/for/per/after N …" phrase is not the answer.
            var previous = numbers[^2];
            if (!SentenceEnd().IsMatch(text, previous.Index + previous.Length) || SentenceEnd().Match(text, previous.Index + previous.Length).Index > lastNumber.Index)
            {
                lastNumber = previous;
            }
        }

        if (lastNumber is not null && (lastSpan is null || lastNumber.Index + lastNumber.Length > lastSpan.Index + lastSpan.Length))
        {
            return Rule("last-number", lastNumber.Value.TrimEnd('.'));
        }

        if (lastSpan is null)
        {
            return null;
        }

        return Rule("inline-math", JoinPreviousMath(text, spans, lastSpan));
    }

    /// <summary>Joins up to five math spans that end with <paramref name="last"/> and are separated only by commas, "and" or "or".</summary>
    private static string JoinPreviousMath(string text, MatchCollection spans, Match last)
    {
        var parts = new List<string> { last.Groups["b"].Value.Trim() };
        var index = IndexOf(spans, last);
        var end = last.Index;
        for (var i = index - 1; i >= 0 && parts.Count < 5; i--)
        {
            var gap = text[(spans[i].Index + spans[i].Length)..end];
            if (!MathGap().IsMatch(gap))
            {
                break;
            }

            parts.Insert(0, spans[i].Groups["b"].Value.Trim().TrimEnd(','));
            end = spans[i].Index;
        }

        return parts.Count == 1 ? parts[0] : string.Join(", ", parts);
    }

    private static string JoinAdjacentMath(string rest, Match first)
    {
        var parts = new List<string> { first.Groups["b"].Value.Trim() };
        var pos = first.Index + first.Length;
        while (parts.Count < 5)
        {
            var gap = NextMathAfterGap().Match(rest, pos);
            if (!gap.Success || gap.Index != pos)
            {
                break;
            }

            parts.Add(gap.Groups["b"].Value.Trim());
            pos = gap.Index + gap.Length;
        }

        return string.Join(", ", parts.Select(p => p.TrimEnd(',')));
    }

    private static int IndexOf(MatchCollection matches, Match m)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            if (matches[i].Index == m.Index)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The last <c>\boxed{}</c> (or <c>\fbox{}</c>) content, joined with the boxes just before it when they are separated by
    /// fewer than 10 characters, or fewer than 70 containing "and", "or", a comma or a semicolon (Math-Verify's rule).
    /// </summary>
    public static string? LastBoxedGroup(string text)
    {
        var boxes = new List<(int Start, int End, string Content)>();
        var searchEnd = text.Length;
        while (boxes.Count < 8)
        {
            var found = FindLastBox(text, searchEnd);
            if (found is null)
            {
                break;
            }

            if (found.Value.Content.Trim().Length == 0)
            {
                searchEnd = found.Value.Start;
                if (boxes.Count > 0)
                {
                    break;
                }

                continue;
            }

            if (boxes.Count > 0)
            {
                var gap = text[found.Value.End..boxes[0].Start];
                var near = gap.Length < 10 || (gap.Length < 70 && BoxGap().IsMatch(gap));
                if (!near || boxes.Any(b => b.Content == found.Value.Content))
                {
                    break;
                }
            }

            boxes.Insert(0, found.Value);
            searchEnd = found.Value.Start;
        }

        return boxes.Count == 0 ? null : string.Join(", ", boxes.Select(b => b.Content.Trim()));
    }

    private static (int Start, int End, string Content)? FindLastBox(string text, int before)
    {
        var from = before;
        while (from > 0)
        {
            var b = text.LastIndexOf("\\boxed", from - 1, StringComparison.Ordinal);
            var f = text.LastIndexOf("\\fbox", from - 1, StringComparison.Ordinal);
            var start = Math.Max(b, f);
            if (start < 0)
            {
                return null;
            }

            var len = start == b ? 6 : 5;
            var i = start + len;
            if (i < text.Length && text[i] == '{')
            {
                var close = MatchingBrace(text, i);
                if (close > 0 && close < before + 1)
                {
                    return (start, close + 1, text[(i + 1)..close]);
                }
            }
            else if (i < text.Length && text[i] == ' ')
            {
                var rest = text[(i + 1)..Math.Min(text.Length, before)];
                var stop = rest.IndexOfAny(['$', ' ', '\n']);
                var bare = (stop < 0 ? rest : rest[..stop]).Trim();
                if (bare.Length > 0)
                {
                    return (start, i + 1 + bare.Length, bare);
                }
            }

            from = start;
        }

        return null;
    }

    /// <summary>The index of the brace closing the one at <paramref name="open"/>, or −1.</summary>
    internal static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var j = open; j < text.Length; j++)
        {
            if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '{' or '}')
            {
                j++;
                continue;
            }

            if (text[j] == '{')
            {
                depth++;
            }
            else if (text[j] == '}')
            {
                depth--;
                if (depth == 0)
                {
                    return j;
                }
            }
        }

        return -1;
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

    [GeneratedRegex(@"\$\$(?<b>.{1,3000}?)\$\$|(?<![\\\d])\$(?<b>(?:[^$\n]|(?<=\\)\$){1,1000}?)(?<!\\)\$|\\\[(?<b>.{1,3000}?)\\\]|\\\((?<b>.{1,1000}?)\\\)", RegexOptions.Singleline, RegexTimeoutMs)]
    private static partial Regex MathSpan();

    [GeneratedRegex(@"^(?:\$\$(?<b>.+?)\$\$|\$(?<b>[^$\n]+?)(?<!\\)\$|\\\[(?<b>.+?)\\\]|\\\((?<b>.+?)\\\))", RegexOptions.Singleline, RegexTimeoutMs)]
    private static partial Regex LeadingMath();

    [GeneratedRegex(@"\G\s*(?:,|,?\s*and|,?\s*or)\s*(?:\$\$(?<b>.+?)\$\$|\$(?<b>[^$\n]+?)(?<!\\)\$|\\\((?<b>.+?)\\\))", RegexOptions.Singleline, RegexTimeoutMs)]
    private static partial Regex NextMathAfterGap();

    [GeneratedRegex(@"^\s*(?:,|,?\s*and|,?\s*or)?\s*$", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex MathGap();

    [GeneratedRegex(@"and|or|,|;", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex BoxGap();

    [GeneratedRegex(@"final answer is:?\s*(?<x>.{1,300}?)\s*\.?\s*I hope", RegexOptions.IgnoreCase | RegexOptions.Singleline, RegexTimeoutMs)]
    private static partial Regex MinervaLine();

    [GeneratedRegex(@"final answer(?:(?!I hope)[^\n]){0,100}?\bis\b:?", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex FinalAnswerIs();

    [GeneratedRegex(@"\banswer is\b:?", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"\banswer\s*(?:\*\*)?\s*:(?:\s*\*\*)?", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex AnswerLabel();

    [GeneratedRegex(@"(?:\.(?=\s|$)|\n|[!?](?=\s|$))", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\b(?:in|for|per|after|within|over|every)\s+$", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex TrailingAdverbial();

    [GeneratedRegex(@"[A-Za-z]{2,}", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex Word();

    [GeneratedRegex(@"^(?:units?|cm|mm|km|kg|mg|ml|cents?|dollars?|yuan|euros?|degrees?|meters?|metres?|miles?|mph|seconds?|minutes?|hours?|days?|weeks?|months?|years?|feet|foot|ft|inch(?:es)?|yards?|pounds?|lbs?|ounces?|oz|liters?|litres?|gallons?|square|sq|cubic|points?|percent|pct|text|mbox|mathrm|frac|sqrt|dfrac|pi|cdot|times|left|right|boxed)$", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex UnitWord();

    [GeneratedRegex(@"(?<![\w.,])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\w.,])-?\d+,\d{1,2}(?![\d,])|(?<![\w.,])-?(?:\d+(?:\.\d+)?|\.\d+)(?:\s*/\s*\d+(?!\.\d))?%?|\\frac\{-?\d+\}\{\d+\}", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"the answer is:?\s*\$?(?<n>-?[0-9][0-9,]*(?:\.[0-9]+)?)", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex AnswerPhrase();

    [GeneratedRegex(@"####\s*(?<n>-?[0-9.,]+)", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex Gsm8kTail();
}
