namespace Agents.Core.Answers;

/// <summary>Which answer-equivalence rule grades a prediction against a gold answer (docs/algorithms.md §5.2).</summary>
public enum EquivalenceMode
{
    /// <summary>MAgICoRe <c>is_math_correct</c>-style: Hendrycks match, or equal values within tolerance.</summary>
    Numeric,

    /// <summary>hendrycks/math <c>is_equiv</c>: normalise both strings, then compare exactly.</summary>
    Hendrycks,

    /// <summary>openai/prm800k <c>grade_answer</c>: string matches, else strict element-wise value equality.</summary>
    Prm800k,

    /// <summary>Math-Verify's semantics (the default): normalise, parse one expression tree, compare numbers, sets, tuples,
    /// intervals, matrices, relations and expressions (docs/grading.md).</summary>
    MathVerify,
}

/// <summary>Parses and names <see cref="EquivalenceMode"/> values as they appear in configuration and run records.</summary>
public static class EquivalenceModes
{
    private static readonly string ValidNames = "math-verify, numeric, hendrycks, prm800k";

    /// <summary>The mode used when none is named.</summary>
    public const EquivalenceMode Default = EquivalenceMode.MathVerify;

    /// <summary>The configuration name of the default mode.</summary>
    public const string DefaultName = "math-verify";

    /// <summary>Parses "math-verify", "numeric", "hendrycks" or "prm800k" (case-insensitive); throws <see cref="ArgumentException"/> otherwise.</summary>
    public static EquivalenceMode Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "math-verify" or "mathverify" or "math_verify" => EquivalenceMode.MathVerify,
            "numeric" => EquivalenceMode.Numeric,
            "hendrycks" => EquivalenceMode.Hendrycks,
            "prm800k" => EquivalenceMode.Prm800k,
            _ => throw new ArgumentException($"Unknown equivalence mode '{name}'; valid values: {ValidNames}.", nameof(name)),
        };
    }

    /// <summary>The configuration name of a mode ("math-verify", "numeric", "hendrycks" or "prm800k").</summary>
    public static string Name(EquivalenceMode mode) => mode switch
    {
        EquivalenceMode.MathVerify => "math-verify",
        EquivalenceMode.Numeric => "numeric",
        EquivalenceMode.Hendrycks => "hendrycks",
        EquivalenceMode.Prm800k => "prm800k",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown equivalence mode."),
    };
}
