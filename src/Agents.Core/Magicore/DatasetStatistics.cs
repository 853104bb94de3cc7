namespace Agents.Core.Magicore;

/// <summary>
/// The dataset-level normalisation of MAgICoRe (docs/algorithms.md §1.4): mean and population standard deviation (numpy
/// default, ddof = 0) of the combined score <c>c</c> of each problem's first chain.
/// </summary>
/// <remarks>
/// When <see cref="StdDev"/> is 0 (one problem, or all first chains scoring alike) numpy would divide by zero and produce
/// ±inf or NaN; we define every z-score as 0 instead, so condition 1 holds (Q = 0 ≥ 0) and no problem is refined because of
/// a degenerate normalisation. An empty dataset gives NaN statistics and z = 0 for the same reason.
/// </remarks>
public sealed record DatasetStatistics(double Mean, double StdDev)
{
    /// <summary>Statistics from the first chain of every problem's pool.</summary>
    public static DatasetStatistics FromFirstChains(IEnumerable<IReadOnlyList<ScoredChain>> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        return FromScores(pools.Where(p => p.Count > 0).Select(p => p[0].Combined));
    }

    /// <summary>Mean and population standard deviation of <paramref name="scores"/>; NaN for an empty sequence.</summary>
    public static DatasetStatistics FromScores(IEnumerable<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var values = scores.ToArray();
        if (values.Length == 0)
        {
            return new DatasetStatistics(double.NaN, double.NaN);
        }

        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        return new DatasetStatistics(mean, Math.Sqrt(variance));
    }

    /// <summary>The z-score <c>(c − μ)/σ</c>; 0 when σ is 0 or undefined (see remarks).</summary>
    public double Z(double combined) =>
        StdDev > 0 && double.IsFinite(StdDev) ? (combined - Mean) / StdDev : 0;
}
