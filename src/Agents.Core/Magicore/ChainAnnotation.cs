using System.Globalization;
using System.Numerics;
using System.Text;

namespace Agents.Core.Magicore;

/// <summary>The annotated chain the Reviewer and Refiner see (docs/algorithms.md §1.5): each step followed by " (Score: n/10)" and a newline.</summary>
public static class ChainAnnotation
{
    /// <summary>Writes every step followed by <c> (Score: n/10)</c> and a newline; steps without a score get none.</summary>
    public static string Annotate(IReadOnlyList<string> steps, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(scores);
        var text = new StringBuilder();
        for (var i = 0; i < steps.Count; i++)
        {
            text.Append(steps[i]);
            if (i < scores.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $" (Score: {ScoreTenths(scores[i])}/10)");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Segments <paramref name="chain"/> and annotates it with <paramref name="scores"/> (one per step).</summary>
    public static string Annotate(string chain, IReadOnlyList<double> scores, bool robustSegmentation) =>
        Annotate(StepSegmentation.Segment(chain, robustSegmentation), scores);

    /// <summary>
    /// <c>int(round(p, 1) * 10)</c> exactly as Python computes it: the double is rounded to one decimal on its exact binary
    /// value with ties to even (so 0.25 → 0.2, 0.35 → 0.3 because 0.35 is stored just below, 0.05 → 0.1, 0.95 → 0.9), the
    /// result is the nearest double, multiplied by 10 and truncated toward zero. NaN maps to 0.
    /// </summary>
    public static int ScoreTenths(double p)
    {
        if (double.IsNaN(p))
        {
            return 0;
        }

        var rounded = PythonRoundOneDecimal(p);
        return (int)Math.Truncate(rounded * 10);
    }

    /// <summary>Python's <c>round(x, 1)</c> for finite doubles: correctly rounded, half to even on the exact binary value.</summary>
    public static double PythonRoundOneDecimal(double x)
    {
        if (!double.IsFinite(x))
        {
            return x;
        }

        if (x < 0)
        {
            return -PythonRoundOneDecimal(-x);
        }

        // x = mantissa · 2^exponent exactly; compare 10x with n + 1/2 in integers.
        var bits = BitConverter.DoubleToInt64Bits(x);
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        var mantissa = rawExponent == 0 ? fraction : fraction | (1L << 52);
        var exponent = (rawExponent == 0 ? 1 : rawExponent) - 1075;
        BigInteger numerator = mantissa * (BigInteger)10;
        var denominator = BigInteger.One;
        if (exponent >= 0)
        {
            numerator <<= exponent;
        }
        else
        {
            denominator <<= -exponent;
        }

        var n = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !n.IsEven))
        {
            n += 1;
        }

        return (double)n / 10.0;
    }
}
