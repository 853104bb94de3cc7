using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>
/// A port of openai/prm800k <c>prm800k/grading/grader.py</c> (<c>grade_answer</c>) and <c>math_normalize.py</c>.
/// Two documented substitutions: pylatexenc's LaTeX-to-text is replaced by <see cref="LatexToText"/> (the macros that
/// matter for answers), and sympy <c>simplify(a - b) == 0</c> by <see cref="LatexEvaluator"/> equality at fixed
/// points with a 1e-9 relative tolerance (no CAS exists in our package source).
/// </summary>
internal static partial class Prm800kGrader
{
    private static readonly System.Buffers.SearchValues<char> TupleChars = System.Buffers.SearchValues.Create("()[]");

    /// <summary>grader.py <c>grade_answer(given_answer, ground_truth)</c>.</summary>
    public static bool Grade(string given, string groundTruth)
    {
        if (string.Equals(MathdNormalize(groundTruth), MathdNormalize(given), StringComparison.Ordinal))
        {
            return true;
        }

        var gtn = Normalize(groundTruth);
        var gn = Normalize(given);
        if (string.Equals(gtn, gn, StringComparison.Ordinal))
        {
            return true;
        }

        if (gn.Length == 0)
        {
            return false;
        }

        var gtElems = SplitTuple(gtn);
        var gElems = SplitTuple(gn);
        if (gtElems.Count > 1 && (gtn[0] != gn[0] || gtn[^1] != gn[^1]))
        {
            return false;
        }

        if (gtElems.Count != gElems.Count)
        {
            return false;
        }

        var correct = false;
        for (var i = 0; i < gtElems.Count; i++)
        {
            if (IsFrac(gtElems[i]) && IsFrac(gElems[i]))
            {
                // Unreduced fractions must not pass, so fractions are compared as strings.
                correct = string.Equals(gtElems[i], gElems[i], StringComparison.Ordinal);
            }
            else if (StrIsInt(gtElems[i]) != StrIsInt(gElems[i]))
            {
                // An integer answer requires an integer prediction (and vice versa): no value comparison.
                correct = false;
            }
            else
            {
                correct = AreEqualUnderEvaluation(gtElems[i], gElems[i]);
            }

            if (!correct)
            {
                break;
            }
        }

        return correct;
    }

    /// <summary>math_normalize.py <c>normalize_answer</c>: unwrap an enclosing <c>\text{}</c>, then hendrycks <c>_strip_string</c>.</summary>
    public static string MathdNormalize(string answer)
    {
        var a = answer.Trim();
        var m = EnclosingText().Match(a);
        if (m.Success)
        {
            a = m.Groups["text"].Value.Trim();
        }

        return HendrycksNormalizer.TryStrip(a, out var stripped) ? stripped : a;
    }

    /// <summary>grader.py <c>_normalize</c>.</summary>
    public static string Normalize(string expr)
    {
        var m = EnclosingText().Match(expr);
        if (m.Success)
        {
            expr = m.Groups["text"].Value;
        }

        expr = expr.Replace("\\%", "%", StringComparison.Ordinal)
            .Replace("\\$", "$", StringComparison.Ordinal)
            .Replace("$", "", StringComparison.Ordinal)
            .Replace("%", "", StringComparison.Ordinal)
            .Replace(" or ", " , ", StringComparison.Ordinal)
            .Replace(" and ", " , ", StringComparison.Ordinal)
            .Replace("million", "*10^6", StringComparison.Ordinal)
            .Replace("billion", "*10^9", StringComparison.Ordinal)
            .Replace("trillion", "*10^12", StringComparison.Ordinal);
        expr = UnitWords().Replace(expr, "");

        expr = CaretCirc().Replace(expr, "");
        if (expr.Length > 0 && expr[0] == '{' && expr[^1] == '}')
        {
            expr = expr[1..^1];
        }

        expr = CommaThinSpace().Replace(expr, "");
        if (TryPythonFloat(expr, out var f) && IsInt(f))
        {
            expr = new BigInteger(Math.Round(f)).ToString(CultureInfo.InvariantCulture);
        }

        if (expr.Contains('\\', StringComparison.Ordinal))
        {
            expr = ParseLatex(expr);
        }

        expr = MinusSpaces().Replace(expr, "-");
        expr = MixedNumber().Replace(expr, "$1+$2");
        expr = expr.Replace(" ", "", StringComparison.Ordinal)
            .Replace("{", "", StringComparison.Ordinal)
            .Replace("}", "", StringComparison.Ordinal)
            .ToLowerInvariant();
        if (StrIsInt(expr) && TryPythonFloat(expr.Replace(",", "", StringComparison.Ordinal), out var g))
        {
            expr = new BigInteger(Math.Truncate(g)).ToString(CultureInfo.InvariantCulture);
        }

        return expr;
    }

    internal static List<string> SplitTuple(string expr)
    {
        expr = StripProperlyFormattedCommas(expr);
        if (expr.Length == 0)
        {
            return [];
        }

        const string tupleChars = "()[]";
        if (expr.Length > 2 && tupleChars.Contains(expr[0], StringComparison.Ordinal) && tupleChars.Contains(expr[^1], StringComparison.Ordinal)
            && !expr.AsSpan(1, expr.Length - 2).ContainsAny(TupleChars))
        {
            return [.. expr[1..^1].Split(',').Select(e => e.Trim())];
        }

        return [expr];
    }

    private static bool AreEqualUnderEvaluation(string groundTruth, string given)
    {
        var expr = $"({groundTruth})-({given})";
        if (!ShouldAllowEval(expr))
        {
            return false;
        }

        return AnswerEquivalence.ExactlyEqualByEvaluation(groundTruth, given);
    }

    private static bool ShouldAllowEval(string expr)
    {
        var letters = expr.Replace("sqrt", "", StringComparison.Ordinal).Replace("frac", "", StringComparison.Ordinal)
            .Where(char.IsLetter).Distinct().Count();
        if (letters > 2)
        {
            return false;
        }

        if (expr.Contains("^{", StringComparison.Ordinal) || expr.Contains("^(", StringComparison.Ordinal))
        {
            return false;
        }

        return !BadPowerChain().IsMatch(expr) && !BadMultiDigitPower().IsMatch(expr);
    }

    private static bool IsFrac(string expr) => FracPattern().IsMatch(expr);

    private static bool StrIsInt(string x)
    {
        x = StripProperlyFormattedCommas(x);
        return TryPythonFloat(x, out var f) && IsInt(f);
    }

    private static bool IsInt(double x) => !double.IsNaN(x) && !double.IsInfinity(x) && Math.Abs(x - Math.Round(x)) <= 1e-7;

    private static string StripProperlyFormattedCommas(string expr)
    {
        while (true)
        {
            var next = ThousandsComma().Replace(expr, "$1$3$4");
            if (next == expr)
            {
                return next;
            }

            expr = next;
        }
    }

    /// <summary>Python <c>float(s)</c>: surrounding whitespace, sign, digits with optional '.', exponent, inf/nan.</summary>
    private static bool TryPythonFloat(string s, out double value)
    {
        var t = s.Trim().Replace("_", "", StringComparison.Ordinal);
        if (PythonFloat().IsMatch(t))
        {
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        value = double.NaN;
        return t.ToLowerInvariant().TrimStart('+', '-') is "inf" or "infinity" or "nan";
    }

    private static string ParseLatex(string expr)
    {
        expr = expr.Replace("\\tfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\dfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\frac", " \\frac", StringComparison.Ordinal);
        return LatexToText(expr).Trim();
    }

    /// <summary>LaTeX to plain text for answers, standing in for pylatexenc <c>LatexNodes2Text</c> plus grader.py's symbol replacements.</summary>
    internal static string LatexToText(string latex)
    {
        var sb = new StringBuilder(latex.Length);
        var pos = 0;
        AppendText(latex, ref pos, sb, stopAtBrace: false, depth: 0);
        return sb.ToString();
    }

    private static void AppendText(string s, ref int pos, StringBuilder sb, bool stopAtBrace, int depth)
    {
        while (pos < s.Length)
        {
            var c = s[pos];
            if (c == '}' && stopAtBrace)
            {
                pos++;
                return;
            }

            if (c == '{')
            {
                pos++;
                if (depth < LatexEvaluator.MaxDepth)
                {
                    AppendText(s, ref pos, sb, stopAtBrace: true, depth + 1);
                }

                continue;
            }

            if (c != '\\')
            {
                sb.Append(c);
                pos++;
                continue;
            }

            pos++;
            var start = pos;
            while (pos < s.Length && char.IsAsciiLetter(s[pos]))
            {
                pos++;
            }

            if (pos == start && pos < s.Length)
            {
                pos++;
            }

            var name = s[start..pos];
            switch (name)
            {
                case "frac" or "cfrac":
                    var num = ReadArgument(s, ref pos, depth);
                    var den = ReadArgument(s, ref pos, depth);
                    sb.Append(Wrap(num)).Append('/').Append(Wrap(den));
                    break;
                case "sqrt":
                    SkipSpaces(s, ref pos);
                    string? degree = null;
                    if (pos < s.Length && s[pos] == '[')
                    {
                        var close = s.IndexOf(']', pos);
                        if (close > pos)
                        {
                            degree = s[(pos + 1)..close];
                            pos = close + 1;
                        }
                    }

                    var radicand = ReadArgument(s, ref pos, depth);
                    sb.Append(degree is null ? $"sqrt({radicand})" : $"({radicand})^(1/({degree}))");
                    break;
                case "text" or "textrm" or "textnormal" or "mathrm" or "mathbf" or "textbf" or "mbox" or "operatorname" or "textit" or "mathit":
                    sb.Append(ReadArgument(s, ref pos, depth));
                    break;
                default:
                    sb.Append(Symbol(name));
                    break;
            }
        }
    }

    private static string ReadArgument(string s, ref int pos, int depth)
    {
        SkipSpaces(s, ref pos);
        if (pos >= s.Length)
        {
            return "";
        }

        var inner = new StringBuilder();
        if (s[pos] == '{')
        {
            pos++;
            if (depth < LatexEvaluator.MaxDepth)
            {
                AppendText(s, ref pos, inner, stopAtBrace: true, depth + 1);
            }

            return inner.ToString();
        }

        if (s[pos] == '\\')
        {
            var start = pos;
            pos++;
            while (pos < s.Length && char.IsAsciiLetter(s[pos]))
            {
                pos++;
            }

            return LatexToText(s[start..pos]);
        }

        return s[pos++].ToString();
    }

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }
    }

    private static string Wrap(string part) => part.Length <= 1 || SimpleToken().IsMatch(part) ? part : $"({part})";

    private static string Symbol(string name) => name switch
    {
        "pi" => "pi",
        "infty" => "inf",
        "cup" => "U",
        "cdot" or "times" => "*",
        "div" => "÷",
        "le" or "leq" => "≤",
        "ge" or "geq" => "≥",
        "ne" or "neq" => "≠",
        "pm" => "±",
        "circ" => "°",
        "%" => "%",
        "$" => "$",
        "{" => "{",
        "}" => "}",
        "\\" => "\n",
        "," or ";" or ":" or " " or "!" or "quad" or "qquad" => " ",
        _ => "",
    };

    [GeneratedRegex(@"^\\text\{(?<text>.+?)\}$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex EnclosingText();

    // grader.py removes each unit in turn; one alternation in the same order removes the same text.
    [GeneratedRegex(@"(degree|cm|centimeter|meter|mile|second|minute|hour|day|week|month|year|foot|feet|inch|yard)(es)?(s)? *(\^[0-9]+)?", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex UnitWords();

    [GeneratedRegex(@"\^ *\\circ", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex CaretCirc();

    [GeneratedRegex(@",\\! *", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex CommaThinSpace();

    [GeneratedRegex(@"- *", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MinusSpaces();

    [GeneratedRegex(@"([0-9]) +([0-9])", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MixedNumber();

    [GeneratedRegex(@"(\d)(,)(\d\d\d)($|\D)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ThousandsComma();

    [GeneratedRegex(@"^-?[0-9]+.?/0*[1-9][0-9]*.?$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex FracPattern();

    [GeneratedRegex(@"\^[0-9]+\^", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex BadPowerChain();

    [GeneratedRegex(@"\^[0-9][0-9]+", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex BadMultiDigitPower();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex PythonFloat();

    [GeneratedRegex(@"^[A-Za-z0-9.]+$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex SimpleToken();
}
