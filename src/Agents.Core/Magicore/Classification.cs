namespace Agents.Core.Magicore;

/// <summary>The difficulty decision for one problem's pool with every intermediate value, so runs can log why.</summary>
/// <param name="Majority">M: the plain-count majority answer of the reference pool (null when the empty answer won).</param>
/// <param name="Matching">How many chains of the pool have an answer equivalent to M.</param>
/// <param name="Q">Mean z-score of the matching chains; NaN when none match.</param>
/// <param name="Cond1">Condition 1, <c>Q ≥ 0</c>; true when Q is NaN (Python's <c>NaN &lt; 0</c> is false).</param>
/// <param name="EntropyOrm">Natural-log entropy of the ORM-weighted answer distribution.</param>
/// <param name="EntropyPrm">Natural-log entropy of the PRM-weighted answer distribution.</param>
/// <param name="ConfidenceOrm"><c>2(1 − sigmoid(H_ORM))</c>.</param>
/// <param name="ConfidencePrm"><c>2(1 − sigmoid(H_PRM))</c>.</param>
/// <param name="Hard"><c>¬cond1 ∧ (conf_ORM &lt; 0.5 ∨ conf_PRM &lt; 0.5)</c>.</param>
public sealed record Classification(
    string? Majority,
    int Matching,
    double Q,
    bool Cond1,
    double EntropyOrm,
    double EntropyPrm,
    double ConfidenceOrm,
    double ConfidencePrm,
    bool Hard)
{
    /// <summary>The confidence threshold of condition 2 (⇔ entropy ln 3).</summary>
    public const double ConfidenceThreshold = 0.5;

    /// <summary>The complement of <see cref="Hard"/>.</summary>
    public bool Easy => !Hard;
}
