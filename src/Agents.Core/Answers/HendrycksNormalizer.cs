using System.Globalization;
using System.Text;

namespace Agents.Core.Answers;

/// <summary>
/// A line-by-line port of hendrycks/math <c>modeling/math_equivalence.py</c> (<c>_strip_string</c> and helpers).
/// Where the Python raises (an assertion or an index error), <see cref="TryStrip"/> returns false so that the
/// caller can fall back to comparing the raw strings, exactly as <c>is_equiv</c> does in its <c>except</c> branch.
/// </summary>
internal static class HendrycksNormalizer
{
    /// <summary>hendrycks <c>is_equiv</c>: both normalised strings equal, or the raw strings equal when normalising fails.</summary>
    public static bool IsEquiv(string a, string b)
    {
        if (TryStrip(a, out var sa) && TryStrip(b, out var sb))
        {
            return string.Equals(sa, sb, StringComparison.Ordinal);
        }

        return string.Equals(a, b, StringComparison.Ordinal);
    }

    /// <summary>hendrycks <c>_strip_string</c>; false where the Python would raise.</summary>
    public static bool TryStrip(string input, out string result)
    {
        result = input;
        var s = input.Replace("\n", "", StringComparison.Ordinal)
            .Replace("\\!", "", StringComparison.Ordinal)
            .Replace("\\\\", "\\", StringComparison.Ordinal)
            .Replace("tfrac", "frac", StringComparison.Ordinal)
            .Replace("dfrac", "frac", StringComparison.Ordinal)
            .Replace("\\left", "", StringComparison.Ordinal)
            .Replace("\\right", "", StringComparison.Ordinal)
            .Replace("^{\\circ}", "", StringComparison.Ordinal)
            .Replace("^\\circ", "", StringComparison.Ordinal)
            .Replace("\\$", "", StringComparison.Ordinal);

        // _remove_right_units: "\text{ " only introduces units; more than one occurrence fails an assertion.
        var unitSplits = s.Split("\\text{ ");
        if (unitSplits.Length > 2)
        {
            return false;
        }

        s = unitSplits[0];
        s = s.Replace("\\%", "", StringComparison.Ordinal)
            .Replace(" .", " 0.", StringComparison.Ordinal)
            .Replace("{.", "{0.", StringComparison.Ordinal);
        if (s.Length == 0)
        {
            result = s;
            return true;
        }

        if (s[0] == '.')
        {
            s = "0" + s;
        }

        var eqSplits = s.Split('=');
        if (eqSplits.Length == 2 && eqSplits[0].Length <= 2)
        {
            s = eqSplits[1];
        }

        if (!TryFixSqrt(s, out s))
        {
            return false;
        }

        s = s.Replace(" ", "", StringComparison.Ordinal);
        if (!TryFixFracs(s, out s))
        {
            return false;
        }

        if (s == "0.5")
        {
            s = "\\frac{1}{2}";
        }

        result = FixASlashB(s);
        return true;
    }

    private static bool TryFixSqrt(string s, out string result)
    {
        result = s;
        if (!s.Contains("\\sqrt", StringComparison.Ordinal))
        {
            return true;
        }

        var splits = s.Split("\\sqrt");
        var sb = new StringBuilder(splits[0]);
        foreach (var split in splits.Skip(1))
        {
            if (split.Length == 0)
            {
                return false; // split[0] raises IndexError in the Python.
            }

            if (split[0] != '{')
            {
                sb.Append("\\sqrt{").Append(split[0]).Append('}').Append(split.AsSpan(1));
            }
            else
            {
                sb.Append("\\sqrt").Append(split);
            }
        }

        result = sb.ToString();
        return true;
    }

    private static bool TryFixFracs(string s, out string result)
    {
        result = s;
        var substrs = s.Split("\\frac");
        var sb = new StringBuilder(substrs[0]);
        foreach (var substr in substrs.Skip(1))
        {
            sb.Append("\\frac");
            if (substr.Length == 0)
            {
                return false; // substr[0] raises IndexError in the Python.
            }

            if (substr[0] == '{')
            {
                sb.Append(substr);
                continue;
            }

            if (substr.Length < 2)
            {
                result = s; // the Python returns the input unchanged here.
                return true;
            }

            var a = substr[0];
            var b = substr[1];
            if (b != '{')
            {
                sb.Append('{').Append(a).Append("}{").Append(b).Append('}').Append(substr.AsSpan(2));
            }
            else
            {
                sb.Append('{').Append(a).Append('}').Append(b).Append(substr.AsSpan(2));
            }
        }

        result = sb.ToString();
        return true;
    }

    private static string FixASlashB(string s)
    {
        var parts = s.Split('/');
        if (parts.Length != 2)
        {
            return s;
        }

        // Python int() accepts an optional sign and surrounding whitespace; the round-trip check rejects the rest.
        if (long.TryParse(parts[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(parts[1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)
            && s == $"{a.ToString(CultureInfo.InvariantCulture)}/{b.ToString(CultureInfo.InvariantCulture)}")
        {
            return $"\\frac{{{a.ToString(CultureInfo.InvariantCulture)}}}{{{b.ToString(CultureInfo.InvariantCulture)}}}";
        }

        return s;
    }
}
