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
/// A job's figures as the dashboard shows them: the metrics of the CLI's batch summary over the rows so far, plus the
/// live ones (progress, tokens per second, ETA) from the job's progress and its age.
/// </summary>
public sealed record JobSummary(
    int Problems,
    int Done,
    int Correct,
    int Graded,
    int Failed,
    int Rejected,
    int InFlight,
    double SamplesPerProblem,
    double CallsPerProblem,
    double PromptTokensPerProblem,
    double CompletionTokensPerProblem,
    long TotalTokens,
    int Retries,
    double ElapsedSeconds,
    double? TokensPerSecond,
    TimeSpan? Eta)
{
    /// <summary>Correct over graded, or null before anything was graded.</summary>
    public double? Accuracy => Graded == 0 ? null : (double)Correct / Graded;

    /// <summary>Done over problems, 0..1.</summary>
    public double Fraction => Problems == 0 ? 0 : Math.Clamp((double)Done / Problems, 0, 1);

    /// <summary>Summarises the rows read so far against the job's progress, <paramref name="elapsed"/> after it started.</summary>
    public static JobSummary From(JobProgress progress, IReadOnlyList<OutputRow> rows, TimeSpan elapsed, bool finished)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(rows);
        var n = Math.Max(rows.Count, 1);
        var graded = rows.Count(r => r.Correct is not null);
        var tokens = rows.Sum(r => r.PromptTokens + r.CompletionTokens);
        var seconds = Math.Max(elapsed.TotalSeconds, 0);
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

        return new JobSummary(
            progress.Total, progress.Completed, rows.Count(r => r.Correct == true), graded, progress.Failed, progress.Rejected,
            progress.InFlight, rows.Sum(r => r.Samples) / (double)n, rows.Sum(r => r.Calls) / (double)n,
            rows.Sum(r => r.PromptTokens) / (double)n, rows.Sum(r => r.CompletionTokens) / (double)n, tokens,
            rows.Sum(r => r.Retries), seconds, tokensPerSecond, eta);
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
        yield return ("accuracy", Accuracy is { } a ? string.Create(c, $"{a * 100:F1}% ({Correct}/{Graded})") : "-");
        yield return ("done", string.Create(c, $"{Done} / {Problems}"));
        yield return ("failed", Failed.ToString(c));
        yield return ("rejected input rows", Rejected.ToString(c));
        yield return ("samples per problem", SamplesPerProblem.ToString("F2", c));
        yield return ("calls per problem", CallsPerProblem.ToString("F2", c));
        yield return ("prompt tokens per problem", PromptTokensPerProblem.ToString("F1", c));
        yield return ("completion tokens per problem", CompletionTokensPerProblem.ToString("F1", c));
        yield return ("tokens per second", TokensPerSecond is { } t ? t.ToString("F0", c) : "-");
        yield return ("retries", Retries.ToString(c));
        yield return ("wall time", string.Create(c, $"{ElapsedSeconds:F1} s"));
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
