using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>
/// The Math-Verify normalisation of an extracted answer, in named steps (each step's output is reported by
/// <c>agents grade --explain</c>): delimiters, macros, words, units, numbers.
/// </summary>
internal static partial class MathNormalizer
{
    private const int RegexTimeoutMs = 250;

    /// <summary>Runs every step; <paramref name="trace"/> (when given) receives each step's name and output.</summary>
    public static string Normalize(string answer, List<(string Step, string Text)>? trace = null)
    {
        var s = answer.Trim();
        if (trace is null && IsPlainNumber(s))
        {
            // Fast path: a bare number (the common GSM8K case) needs none of the steps.
            return s;
        }

        s = Step("delimiters", Delimiters(s), trace);
        s = Step("macros", s.AsSpan().IndexOfAny(MacroChars) >= 0 ? Macros(s) : s, trace);
        s = Step("words", HasLetterOrPercent(s) ? Words(s) : s, trace);
        s = Step("units", HasLetterOrPercent(s) ? Units(s) : s, trace);
        s = Step("numbers", s.AsSpan().IndexOfAny(',', '.') >= 0 ? Numbers(s) : s, trace);
        return s;
    }

    private static readonly System.Buffers.SearchValues<char> MacroChars = System.Buffers.SearchValues.Create("\\{~°≤≥≠−×÷·≈");

    private static bool IsPlainNumber(string s)
    {
        if (s.Length == 0 || s.Length > 30)
        {
            return false;
        }

        var digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c == '-' && i == 0) && !(c == '.' && i > 0 && i < s.Length - 1 && char.IsAsciiDigit(s[i - 1]) && char.IsAsciiDigit(s[i + 1])))
            {
                return false;
            }
        }

        return digits > 0 && s.Count(c => c == '.') <= 1;
    }

    private static bool HasLetterOrPercent(string s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c) || c == '%')
            {
                return true;
            }
        }

        return false;
    }

    private static string Step(string name, string text, List<(string Step, string Text)>? trace)
    {
        trace?.Add((name, text));
        return text;
    }

    /// <summary>Drops math delimiters, <c>\boxed</c>, sizing and spacing macros, currency dollars and a final full stop.</summary>
    internal static string Delimiters(string s)
    {
        s = s.Trim();
        if (s.AsSpan().IndexOfAny('\\', '$') < 0)
        {
            s = s.TrimEnd('.', ',', ';').Trim();
            return WholeDecimalComma().IsMatch(s) ? s.Replace(',', '.') : s;
        }

        if (!s.Contains("\\begin", StringComparison.Ordinal))
        {
            // Answers copied with doubled backslashes (\\frac) read as single ones.
            s = DoubledBackslash().Replace(s, "\\");
        }

        s = Unbox(s);
        s = s.Replace("\\$", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal)
            .Replace("\\(", "", StringComparison.Ordinal).Replace("\\)", "", StringComparison.Ordinal)
            .Replace("\\[", "", StringComparison.Ordinal).Replace("\\]", "", StringComparison.Ordinal);
        s = s.Replace("\\displaystyle", "", StringComparison.Ordinal).Replace("\\left.", "", StringComparison.Ordinal)
            .Replace("\\right.", "", StringComparison.Ordinal);
        s = LeftRight().Replace(s, "");
        s = BackslashDigit().Replace(s, "");
        s = s.Trim().TrimEnd('.', ',', ';').Trim();

        // A decimal comma (2,74) is read here, before "and"/"or" become commas.
        return WholeDecimalComma().IsMatch(s) ? s.Replace(',', '.') : s;
    }

    /// <summary>Replaces every <c>\boxed{X}</c>/<c>\fbox{X}</c> with X.</summary>
    internal static string Unbox(string s)
    {
        for (var guard = 0; guard < 20; guard++)
        {
            var i = s.IndexOf("\\boxed", StringComparison.Ordinal);
            var len = 6;
            if (i < 0)
            {
                i = s.IndexOf("\\fbox", StringComparison.Ordinal);
                len = 5;
            }

            if (i < 0)
            {
                return s;
            }

            var open = i + len;
            while (open < s.Length && s[open] == ' ')
            {
                open++;
            }

            if (open >= s.Length || s[open] != '{')
            {
                s = s.Remove(i, len);
                continue;
            }

            var close = AnswerExtractor.MatchingBrace(s, open);
            if (close < 0)
            {
                return s.Remove(i, open + 1 - i);
            }

            s = string.Concat(s.AsSpan(0, i), s.AsSpan(open + 1, close - open - 1), s.AsSpan(close + 1));
        }

        return s;
    }

    /// <summary>Unifies macro spellings: fractions, text styles, relations, degrees, <c>{,}</c>, unicode operators.</summary>
    internal static string Macros(string s)
    {
        s = TextStyle().Replace(s, "\\text");
        s = s.Replace("\\dfrac", "\\frac", StringComparison.Ordinal).Replace("\\tfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\cfrac", "\\frac", StringComparison.Ordinal);
        s = BraceComma().Replace(s, ",");
        s = ThousandsThinSpace().Replace(s, "");
        s = Spacing().Replace(s, m => m.Value.EndsWith('!') ? "" : " ");
        s = s.Replace("\\quad", " ", StringComparison.Ordinal).Replace("\\qquad", " ", StringComparison.Ordinal).Replace("~", " ", StringComparison.Ordinal);
        s = Degrees().Replace(s, "");
        s = s.Replace("°", "", StringComparison.Ordinal).Replace("≤", "\\leq ", StringComparison.Ordinal)
            .Replace("≥", "\\geq ", StringComparison.Ordinal).Replace("≠", "\\neq ", StringComparison.Ordinal)
            .Replace("−", "-", StringComparison.Ordinal).Replace("×", "\\times ", StringComparison.Ordinal)
            .Replace("÷", "\\div ", StringComparison.Ordinal).Replace("·", "\\cdot ", StringComparison.Ordinal)
            .Replace("\\lbrace", "\\{", StringComparison.Ordinal).Replace("\\rbrace", "\\}", StringComparison.Ordinal)
            .Replace("\\emptyset", "\\{\\}", StringComparison.Ordinal).Replace("\\varnothing", "\\{\\}", StringComparison.Ordinal);
        s = EmptyText().Replace(s, "");
        s = Approx(s);
        return s.Trim();
    }

    /// <summary><c>x \approx v</c> keeps v; <c>expr \approx v</c> keeps expr (the exact form).</summary>
    private static string Approx(string s)
    {
        var i = s.IndexOf("\\approx", StringComparison.Ordinal);
        if (i < 0)
        {
            i = s.IndexOf('≈', StringComparison.Ordinal);
            if (i < 0)
            {
                return s;
            }

            s = s.Replace("≈", "\\approx", StringComparison.Ordinal);
        }

        var lhs = s[..i].Trim();
        var rhs = s[(i + "\\approx".Length)..].Trim();
        var bareSymbols = lhs.Length > 0 && lhs.All(c => char.IsAsciiLetter(c) || c is '_' or '{' or '}' or ' ' || char.IsAsciiDigit(c)) && char.IsAsciiLetter(lhs[0]);
        if (lhs.Length == 0)
        {
            return rhs;
        }

        if (bareSymbols && rhs.Length > 0)
        {
            return lhs + " = " + Approx(rhs);
        }

        return lhs;
    }

    /// <summary>Words that stand for symbols: and/or become commas, percent and infinity become macros.</summary>
    internal static string Words(string s)
    {
        s = AndOr().Replace(s, ",");
        s = Percent().Replace(s, "\\%");
        s = s.Replace("\\%", "%", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal);
        s = Infinity().Replace(s, "\\infty");
        s = Therefore().Replace(s, "");
        return s.Trim().TrimEnd(',', '.').Trim();
    }

    /// <summary>Strips units: a trailing <c>\text{…}</c> (and anything after it that is only a power), then unit words.</summary>
    internal static string Units(string s)
    {
        var m = TrailingText().Match(s);
        if (m.Success && m.Index > 0)
        {
            var before = s[..m.Index].Trim();
            if (before.Length > 0 && (char.IsAsciiDigit(before[^1]) || before[^1] is '}' or ')' || before.EndsWith("\\pi", StringComparison.Ordinal)))
            {
                s = before;
            }
        }

        for (var i = 0; i < 2; i++)
        {
            var u = TrailingUnit().Match(s);
            if (u.Success && u.Index > 0)
            {
                s = s[..u.Index].Trim();
            }
        }

        s = LeadingWords().Replace(s, "");
        return s.Trim();
    }

    /// <summary>Numbers: thousands separators dropped, a decimal comma read as a point, a leading <c>.5</c> given its zero.</summary>
    internal static string Numbers(string s)
    {
        if (WholeThousands().IsMatch(s))
        {
            return s.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        }

        s = InnerThousands().Replace(s, m => m.Value.Replace(",", "", StringComparison.Ordinal));
        s = LeadingPoint().Replace(s, "${p}0.");
        return s.Trim();
    }

    [GeneratedRegex(@"\\\\(?=[a-zA-Z{}()])", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex DoubledBackslash();

    [GeneratedRegex(@"(?<!\\)\\(?=\d)", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex BackslashDigit();

    [GeneratedRegex(@"\s*\{\s*,\s*\}\s*", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex BraceComma();

    [GeneratedRegex(@"(?<!\\)\\[,;: !]", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex Spacing();

    [GeneratedRegex(@"\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex LeftRight();

    [GeneratedRegex(@"\\(?:mathrm|mathbf|textbf|textnormal|textrm|textit|mathit|mbox|operatorname|textsf|mathsf)(?![a-zA-Z])", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex TextStyle();

    [GeneratedRegex(@"(?<=\d),\\!\s*(?=\d{3}(?!\d))|(?<=\d)\\,(?=\d{3}(?!\d))", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex ThousandsThinSpace();

    [GeneratedRegex(@"\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree|\^\s*\{\s*\\text\{\s*o\s*\}\s*\}", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex Degrees();

    [GeneratedRegex(@"\\text\{\s*\}", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex EmptyText();

    [GeneratedRegex(@"\\text\{\s*(?:and|or)\s*\}|(?<![a-zA-Z\\])(?:and|or)(?![a-zA-Z])", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex AndOr();

    [GeneratedRegex(@"\s*(?:\\text\{\s*)?(?<![a-zA-Z])(?:percent|pct)(?![a-zA-Z])(?:\s*\})?", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex Percent();

    [GeneratedRegex(@"(?<![a-zA-Z\\])(?:infinity|inf)(?![a-zA-Z])", RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex Infinity();

    [GeneratedRegex(@"\\(?:therefore|because)", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex Therefore();

    [GeneratedRegex(@"\\text\{[^{}]*\}(?:\s*\^\s*\{?[23]\}?)?\s*$", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex TrailingText();

    [GeneratedRegex(
        @"(?<=[\d}\s)])\s*(?:units?|cm|mm|km|kg|mg|ml|m|g|l|cents?|dollars?|yuan|euros?|degrees?|meters?|metres?|centimeters?|kilometers?|"
        + @"miles?|mph|seconds?|sec|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|feet|foot|ft|inch(?:es)?|yards?|pounds?|lbs?|"
        + @"ounces?|oz|liters?|litres?|gallons?|square|sq|cubic|points?|people|persons?|students|times|m²|cm²|km²|m\^2|cm\^2|m\^3|cm\^3)"
        + @"(?:\^\{?[23]\}?|²|³)?\s*$",
        RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex TrailingUnit();

    [GeneratedRegex(@"^(?:[a-zA-Z]{2,}\s+){1,3}(?=-?\d)", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex LeadingWords();

    [GeneratedRegex(@"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex WholeThousands();

    [GeneratedRegex(@"^-?\d+,\d{2}$", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex WholeDecimalComma();

    [GeneratedRegex(@"(?<![\d,.])\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?(?![\d,])", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex InnerThousands();

    [GeneratedRegex(@"(?<p>^|[^\d}])\.(?=\d)", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex LeadingPoint();
}
