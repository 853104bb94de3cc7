namespace Agents.Core.Magicore;

/// <summary>One MAgICoRe chain with its reward-model scores (docs/algorithms.md §1.4): ORM <c>o</c>, PRM step scores, <c>s</c> and <c>c = o + s</c>.</summary>
/// <param name="Text">The chain as stored (for the solver: "Step 1:" + completion).</param>
/// <param name="Answer">The extracted answer, or null/empty when none was found.</param>
/// <param name="Orm">The ORM score <c>o = sigmoid(raw reward)</c> in (0, 1).</param>
/// <param name="StepScores">The PRM's P("+") per step; empty (or [0]) when the PRM was skipped for an answerless chain.</param>
/// <param name="Round">The iteration that produced the chain: 0 for the solver, t for the refiner in iteration t.</param>
/// <param name="Index">The chain's index within its round (0..k-1).</param>
public sealed record ScoredChain(string Text, string? Answer, double Orm, ImmutableArray<double> StepScores, int Round, int Index)
{
    /// <summary>True when the extractor found a non-blank answer.</summary>
    public bool HasAnswer => !string.IsNullOrWhiteSpace(Answer);

    /// <summary>The chain PRM score <c>s</c>: the product of the step scores, or 0 when there is no answer (PRM skipped) or no step score.</summary>
    public double Prm => HasAnswer && !StepScores.IsDefaultOrEmpty ? Product(StepScores) : 0;

    /// <summary>The combined score <c>c = o + s</c> in [0, 2], used for pooling, voting and normalisation.</summary>
    public double Combined => Orm + Prm;

    /// <summary>Builds a chain; <paramref name="stepScores"/> is ignored (stored empty) when <paramref name="answer"/> is blank.</summary>
    public static ScoredChain Create(string text, string? answer, double orm, IEnumerable<double> stepScores, int round, int index)
    {
        ArgumentNullException.ThrowIfNull(stepScores);
        var steps = string.IsNullOrWhiteSpace(answer) ? [] : stepScores.ToImmutableArray();
        return new ScoredChain(text, answer, orm, steps, round, index);
    }

    private static double Product(ImmutableArray<double> values)
    {
        var product = 1.0;
        foreach (var v in values)
        {
            product *= v;
        }

        return product;
    }
}
