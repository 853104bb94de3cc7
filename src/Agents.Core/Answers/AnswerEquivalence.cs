using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>Decides whether a predicted answer string is equivalent to a gold answer string (docs/algorithms.md §5.2).</summary>
/// <remarks>
/// <para><see cref="EquivalenceMode.Numeric"/> follows MAgICoRe <c>is_math_correct</c>: true when the Hendrycks
/// normalisations match, or when, after stripping presentation (<c>$</c>, <c>\%</c>, <c>\text{units}</c>, <c>^\circ</c>,
/// <c>\left</c>/<c>\right</c>, thin spaces, thousands commas, a leading <c>x =</c>), both sides evaluate to numbers with
/// <c>|a − b| &lt; 0.01</c> (MAgICoRe's <c>within_eps</c>) or <c>|a − b| ≤ 1e-6·max(|a|, |b|)</c> (so that large values
/// printed with rounding, such as 1.2e10 vs 12000000001, still agree). Tuples and intervals compare element-wise when
/// both sides have the same brackets and arity. Expressions with variables agree when they have the same value at
/// several fixed points (standing in for sympy <c>simplify(p − g) == 0</c>: no CAS exists in our package source).</para>
/// <para>No mode ever throws: malformed input is simply not equivalent. Null or blank predictions are never correct.</para>
/// </remarks>
public static partial class AnswerEquivalence
{
    private const int MaxAnswerLength = 2000;
    private const double AbsoluteTolerance = 0.01;
    private const double RelativeTolerance = 1e-6;
    private const double ExactRelativeTolerance = 1e-9;
    private const int VariablePoints = 3;

    /// <summary>True when <paramref name="prediction"/> grades as equal to <paramref name="gold"/> under <paramref name="mode"/>.</summary>
    public static bool AreEquivalent(string? prediction, string? gold, EquivalenceMode mode) => Decide(prediction, gold, mode).Equal;

    /// <summary>The verdict and the rule that decided it (<c>decided_by</c>) for two extracted answers.</summary>
    public static Verdict Decide(string? prediction, string? gold, EquivalenceMode mode)
    {
        if (mode == EquivalenceMode.MathVerify)
        {
            return MathVerifyEquivalence.Compare(prediction, gold);
        }

        var equal = LegacyEquivalent(prediction, gold, mode);
        return new(equal, EquivalenceModes.Name(mode));
    }

    private static bool LegacyEquivalent(string? prediction, string? gold, EquivalenceMode mode)
    {
        if (string.IsNullOrWhiteSpace(prediction) || gold is null)
        {
            return false;
        }

        if (prediction.Length > MaxAnswerLength || gold.Length > MaxAnswerLength)
        {
            return string.Equals(prediction.Trim(), gold.Trim(), StringComparison.Ordinal);
        }

        try
        {
            return mode switch
            {
                EquivalenceMode.Hendrycks => HendrycksNormalizer.IsEquiv(prediction, gold),
                EquivalenceMode.Prm800k => Prm800kGrader.Grade(prediction, gold),
                _ => NumericEquivalent(prediction, gold),
            };
        }
#pragma warning disable CA1031 // a grader must not take a batch down; any failure on odd input means "not equivalent"
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The Hendrycks normalisation of an answer (the input itself where the reference code would fail), for vote keys.</summary>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return HendrycksNormalizer.TryStrip(answer, out var stripped) ? stripped : answer;
    }

    /// <summary>Equality by evaluation with a tight tolerance, as a stand-in for sympy <c>simplify(a - b) == 0</c>.</summary>
    internal static bool ExactlyEqualByEvaluation(string a, string b) => EqualByEvaluation(a, b, exact: true);

    /// <summary>The Numeric-mode presentation clean-up applied before evaluation (exposed for tests).</summary>
    internal static string CleanForNumeric(string s)
    {
        s = s.Trim();
        s = s.Replace("{,}", ",", StringComparison.Ordinal);
        s = DigitCommaThinSpace().Replace(s, "");
        s = ApproxTail().Replace(s, "");
        foreach (var noise in Noise)
        {
            s = s.Replace(noise, "", StringComparison.Ordinal);
        }

        s = s.Replace("%", "", StringComparison.Ordinal).Replace("~", " ", StringComparison.Ordinal).Trim();
        var whole = WholeText().Match(s);
        if (whole.Success)
        {
            s = whole.Groups["t"].Value.Trim();
        }
        else
        {
            s = UnitText().Replace(s, "").Trim();
        }

        string previous;
        do
        {
            previous = s;
            s = TrailingUnit().Replace(s, "").Trim();
        }
        while (s != previous && s.Length > 0);

        var assignment = LeadingAssignment().Match(s);
        if (assignment.Success)
        {
            // "x = 1 + 2 = 3" keeps the last value; "x \in [a, b]" and "(p, q) = (3, 2)" keep the right-hand side.
            var rest = s[assignment.Length..];
            s = assignment.Value.EndsWith('=') && !rest.Contains(',', StringComparison.Ordinal) && rest.Contains('=', StringComparison.Ordinal)
                ? rest[(rest.LastIndexOf('=') + 1)..].Trim()
                : rest.Trim();
        }

        if (ThousandsNumber().IsMatch(s))
        {
            s = s.Replace(",", "", StringComparison.Ordinal);
        }

        return s.TrimEnd('.').Trim();
    }

    private static readonly string[] Noise =
    [
        "\\$", "$", "\\%", "^{\\circ}", "^\\circ", "\\circ", "\\degree", "\\left", "\\right", "\\!", "\\,", "\\;", "\\:",
        "\\ ", "\\displaystyle", "\\quad",
    ];

    private static bool NumericEquivalent(string prediction, string gold)
    {
        if (HendrycksNormalizer.IsEquiv(prediction, gold))
        {
            return true;
        }

        var p = CleanForNumeric(prediction);
        var g = CleanForNumeric(gold);
        if (p.Length == 0)
        {
            return false;
        }

        if (string.Equals(p, g, StringComparison.Ordinal) || HendrycksNormalizer.IsEquiv(p, g))
        {
            return true;
        }

        if (TryRelation(p, out var pRel) | TryRelation(g, out var gRel))
        {
            return pRel is not null && gRel is not null && RelationsEquivalent(pRel.Value, gRel.Value);
        }

        if (TryMatrix(p, out var pm) | TryMatrix(g, out var gm))
        {
            return pm is not null && gm is not null && MatricesEquivalent(pm, gm);
        }

        var pe = Elements.Split(p);
        var ge = Elements.Split(g);
        if (pe.Items.Count > 1 || ge.Items.Count > 1)
        {
            if (pe.Open != ge.Open || pe.Close != ge.Close || pe.Items.Count != ge.Items.Count)
            {
                return false;
            }

            for (var i = 0; i < pe.Items.Count; i++)
            {
                if (!ScalarEquivalent(pe.Items[i], ge.Items[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return ScalarEquivalent(p, g);
    }

    private static bool TryRelation(string s, out (string Left, string Op, string Right)? relation)
    {
        relation = null;
        var canonical = RelationCanonical(s);
        var m = RelationSplit().Match(canonical);
        if (!m.Success || RelationSplit().Count(canonical) != 1)
        {
            return false;
        }

        relation = (canonical[..m.Index].Trim(), m.Value, canonical[(m.Index + m.Length)..].Trim());
        return relation.Value.Left.Length > 0 && relation.Value.Right.Length > 0;
    }

    private static string RelationCanonical(string s) => s
        .Replace("\\leq", "<=", StringComparison.Ordinal).Replace("\\geq", ">=", StringComparison.Ordinal)
        .Replace("\\neq", "!=", StringComparison.Ordinal).Replace("\\le", "<=", StringComparison.Ordinal)
        .Replace("\\ge", ">=", StringComparison.Ordinal).Replace("\\ne", "!=", StringComparison.Ordinal)
        .Replace("\\lt", "<", StringComparison.Ordinal).Replace("\\gt", ">", StringComparison.Ordinal)
        .Replace("≤", "<=", StringComparison.Ordinal).Replace("≥", ">=", StringComparison.Ordinal)
        .Replace("≠", "!=", StringComparison.Ordinal);

    private static bool RelationsEquivalent((string Left, string Op, string Right) p, (string Left, string Op, string Right) g)
    {
        static string Flip(string op) => op switch { "<=" => ">=", ">=" => "<=", "<" => ">", ">" => "<", _ => op };
        var same = p.Op == g.Op && ScalarEquivalent(p.Left, g.Left) && ScalarEquivalent(p.Right, g.Right);
        var flipped = p.Op == Flip(g.Op) && ScalarEquivalent(p.Left, g.Right) && ScalarEquivalent(p.Right, g.Left);
        return same || flipped;
    }

    private static bool TryMatrix(string s, out List<List<string>>? rows)
    {
        rows = null;
        var m = MatrixBody().Match(s.Trim());
        if (!m.Success)
        {
            return false;
        }

        rows = [.. m.Groups["body"].Value.Split("\\\\")
            .Select(r => r.Trim())
            .Where(r => r.Length > 0)
            .Select(r => r.Split('&').Select(c => c.Trim()).ToList())];
        return true;
    }

    private static bool MatricesEquivalent(List<List<string>> p, List<List<string>> g) =>
        p.Count == g.Count
        && p.Zip(g).All(rows => rows.First.Count == rows.Second.Count && rows.First.Zip(rows.Second).All(c => ScalarEquivalent(c.First, c.Second)));

    private static bool ScalarEquivalent(string p, string g)
    {
        p = p.Trim();
        g = g.Trim();
        if (p.Length == 0 || g.Length == 0)
        {
            return false;
        }

        if (string.Equals(p, g, StringComparison.Ordinal) || HendrycksNormalizer.IsEquiv(p, g))
        {
            return true;
        }

        return EqualByEvaluation(p, g, exact: false);
    }

    private static bool EqualByEvaluation(string a, string b, bool exact)
    {
        if (LatexEvaluator.TryEvaluate(a, out var x) && LatexEvaluator.TryEvaluate(b, out var y))
        {
            return exact ? CloseExact(x, y) : Close(x, y);
        }

        // Variables: equal values at several fixed points (a probabilistic identity test), always with a tight tolerance.
        var sawVariable = false;
        for (var point = 0; point < VariablePoints; point++)
        {
            if (!LatexEvaluator.TryEvaluate(a, point, out x, out var va) || !LatexEvaluator.TryEvaluate(b, point, out y, out var vb))
            {
                return false;
            }

            sawVariable |= va || vb;
            if (!CloseExact(x, y))
            {
                return false;
            }
        }

        return sawVariable;
    }

    private static bool Close(double a, double b)
    {
        if (a.Equals(b) || double.IsInfinity(a) || double.IsInfinity(b))
        {
            return a.Equals(b);
        }

        var diff = Math.Abs(a - b);
        return diff < AbsoluteTolerance || diff <= RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));
    }

    private static bool CloseExact(double a, double b) =>
        a.Equals(b) || (double.IsFinite(a) && double.IsFinite(b) && Math.Abs(a - b) <= ExactRelativeTolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))));

    [GeneratedRegex(@"(?<=\d),\\!\s*(?=\d)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex DigitCommaThinSpace();

    [GeneratedRegex(@"\\approx.*$", RegexOptions.Singleline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ApproxTail();

    [GeneratedRegex(@"^\\(?:text|textrm|textbf|textnormal|mbox|mathrm)\s*\{(?<t>[^{}]*)\}$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex WholeText();

    [GeneratedRegex(@"\\(?:text|textrm|textbf|textnormal|mbox|mathrm)\s*\{\s*[A-Za-z][A-Za-z .]*\}(?:\^\{?[23]\}?)?", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex UnitText();

    // Single-letter units (m, g, l) are left alone: "2m" is more often an expression in m than two metres.
    [GeneratedRegex(
        @"(?<=[\d}\s)])\s*(?:units?|cm|mm|km|kg|mg|ml|cents?|dollars?|degrees?|percent|pct|meters?|metres?|centimeters?|"
        + @"kilometers?|miles?|mph|seconds?|minutes?|hours?|days?|weeks?|months?|years?|feet|foot|ft|inch(?:es)?|yards?|"
        + @"pounds?|lbs?|ounces?|oz|liters?|litres?|gallons?|square|sq|cubic|points?|people|students|times)(?:\^\{?[23]\}?)?\.?$",
        RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex TrailingUnit();

    [GeneratedRegex(@"<=|>=|!=|<|>", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex RelationSplit();

    [GeneratedRegex(@"^(?:\[)?\\begin\{(?<env>[pbvB]?matrix|array)\}(?:\{[lcr|]*\})?(?<body>.*)\\end\{\k<env>\}(?:\])?$", RegexOptions.Singleline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MatrixBody();

    [GeneratedRegex(@"^(?:[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*(?:=|\\in\b)|\([A-Za-z, ]+\)\s*=)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex LeadingAssignment();

    [GeneratedRegex(@"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ThousandsNumber();

    /// <summary>Top-level comma-separated elements of an answer and the brackets enclosing them, if any.</summary>
    private sealed record Elements(char Open, char Close, List<string> Items)
    {
        public static Elements Split(string s)
        {
            var open = '\0';
            var close = '\0';
            var body = s;
            if (s.StartsWith("\\{", StringComparison.Ordinal) && s.EndsWith("\\}", StringComparison.Ordinal) && s.Length >= 4)
            {
                open = '{';
                close = '}';
                body = s[2..^2];
            }
            else if (s.Length >= 2 && s[0] is '(' or '[' or '{' && s[^1] is ')' or ']' or '}' && EnclosesAll(s))
            {
                open = s[0];
                close = s[^1];
                body = s[1..^1];
            }

            var items = new List<string>();
            var depth = 0;
            var start = 0;
            for (var i = 0; i < body.Length; i++)
            {
                var c = body[i];
                if (c is '(' or '[' or '{')
                {
                    depth++;
                }
                else if (c is ')' or ']' or '}')
                {
                    depth--;
                }
                else if (c == ',' && depth == 0)
                {
                    items.Add(body[start..i]);
                    start = i + 1;
                }
            }

            items.Add(body[start..]);
            return new Elements(open, close, items);
        }

        private static bool EnclosesAll(string s)
        {
            var depth = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] is '(' or '[' or '{')
                {
                    depth++;
                }
                else if (s[i] is ')' or ']' or '}')
                {
                    depth--;
                    if (depth == 0 && i < s.Length - 1)
                    {
                        return false;
                    }
                }
            }

            return depth == 0;
        }
    }
}
