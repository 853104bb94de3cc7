using System.Globalization;
using Agents.Client;

namespace Agents.Dashboard.Services;

/// <summary>Which results a job page lists.</summary>
public enum ResultFilter
{
    /// <summary>Every result.</summary>
    All,

    /// <summary>Graded correct.</summary>
    Correct,

    /// <summary>Graded incorrect.</summary>
    Incorrect,

    /// <summary>The run failed.</summary>
    Failed,

    /// <summary>At least one refinement round ran.</summary>
    Refined,
}

/// <summary>
/// A job's figures as the dashboard shows them: the shared <see cref="BatchSummary"/> of the rows so far (the figures
/// <c>agents batch</c> prints), plus the live ones (progress, tokens per second, ETA) from the job's progress and its age.
/// </summary>
/// <param name="Totals">The batch summary of the rows read so far.</param>
/// <param name="Problems">Problems in the job.</param>
/// <param name="Done">Problems with a result.</param>
/// <param name="Failed">Runs that failed.</param>
/// <param name="Rejected">Input rows rejected at read time.</param>
/// <param name="InFlight">Runs in flight.</param>
/// <param name="TokensPerSecond">Tokens over the job's age, or null before any.</param>
/// <param name="Eta">Time left at the pace so far; zero once finished, null before anything finished.</param>
public sealed record JobSummary(BatchSummary Totals, int Problems, int Done, int Failed, int Rejected, int InFlight, double? TokensPerSecond, TimeSpan? Eta)
{
    /// <summary>Correct over graded, or null before anything was graded.</summary>
    public double? Accuracy => Totals.Graded == 0 ? null : Totals.Accuracy;

    /// <summary>Done over problems, 0..1.</summary>
    public double Fraction => Problems == 0 ? 0 : Math.Clamp((double)Done / Problems, 0, 1);

    /// <summary>Summarises the rows read so far against the job's progress, <paramref name="elapsed"/> after it started.</summary>
    public static JobSummary From(JobProgress progress, IReadOnlyList<OutputRow> rows, TimeSpan elapsed, bool finished, StrategySpec? spec = null, string job = "")
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(rows);
        var seconds = Math.Max(elapsed.TotalSeconds, 0);
        var totals = BatchSummary.From(
            rows, spec?.Name ?? "", string.IsNullOrEmpty(spec?.Model) ? "default" : spec.Model, "host", job, progress.Rejected, rows.Count, seconds,
            spec is null ? new Dictionary<string, string>() : BatchSummary.SwitchesOf(spec));
        var tokens = totals.TotalPromptTokens + totals.TotalCompletionTokens;
        double? tokensPerSecond = seconds > 0 && tokens > 0 ? tokens / seconds : null;
        TimeSpan? eta = null;
        if (finished || progress.Completed >= progress.Total)
        {
            eta = TimeSpan.Zero;
        }
        else if (progress.Completed > 0 && seconds > 0)
        {
            eta = TimeSpan.FromSeconds(seconds / progress.Completed * (progress.Total - progress.Completed));
        }

        return new JobSummary(totals, progress.Total, progress.Completed, progress.Failed, progress.Rejected, progress.InFlight, tokensPerSecond, eta);
    }

    /// <summary>The rows <paramref name="filter"/> keeps.</summary>
    public static IEnumerable<OutputRow> Filter(IEnumerable<OutputRow> rows, ResultFilter filter) => filter switch
    {
        ResultFilter.Correct => rows.Where(r => r.Correct == true),
        ResultFilter.Incorrect => rows.Where(r => r.Correct == false),
        ResultFilter.Failed => rows.Where(r => r.Status == "failed"),
        ResultFilter.Refined => rows.Where(IsRefined),
        _ => rows,
    };

    /// <summary>True when at least one refinement round (or MAgICoRe refinement iteration) ran.</summary>
    public static bool IsRefined(OutputRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Rounds > 0;
    }

    /// <summary>The metric rows of the CLI's summary table.</summary>
    public IEnumerable<(string Metric, string Value)> Rows()
    {
        var c = CultureInfo.InvariantCulture;
        var t = Totals;
        yield return ("accuracy", Accuracy is { } a ? string.Create(c, $"{a * 100:F1}% ({t.Correct}/{t.Graded})") : "-");
        yield return ("done", string.Create(c, $"{Done} / {Problems}"));
        yield return ("failed", Failed.ToString(c));
        yield return ("rejected input rows", Rejected.ToString(c));
        yield return ("samples per problem", t.SamplesPerProblem.ToString("F2", c));
        yield return ("calls per problem", t.CallsPerProblem.ToString("F2", c));
        yield return ("prompt tokens per problem", t.PromptTokensPerProblem.ToString("F1", c));
        yield return ("completion tokens per problem", t.CompletionTokensPerProblem.ToString("F1", c));
        yield return ("tokens per second", TokensPerSecond is { } tps ? tps.ToString("F0", c) : "-");
        yield return ("retries", t.TotalRetries.ToString(c));
        yield return ("wall time", string.Create(c, $"{t.WallSeconds:F1} s"));
    }

    /// <summary>A 0..1 share as a percentage with one decimal (<c>85.0%</c>), or <c>-</c>.</summary>
    public static string Percent(double? share) => share is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 100:F1}%") : "-";

    /// <summary>An ETA as the list shows it.</summary>
    public static string FormatEta(TimeSpan? eta) => eta switch
    {
        null => "-",
        { TotalSeconds: < 1 } => "0 s",
        { TotalMinutes: < 1 } e => string.Create(CultureInfo.InvariantCulture, $"{e.TotalSeconds:F0} s"),
        { TotalHours: < 1 } e => string.Create(CultureInfo.InvariantCulture, $"{(int)e.TotalMinutes} min {e.Seconds} s"),
        var e => string.Create(CultureInfo.InvariantCulture, $"{(int)e.Value.TotalHours} h {e.Value.Minutes} min"),
    };
}
