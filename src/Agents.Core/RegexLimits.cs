namespace Agents.Core;

/// <summary>
/// The bound on every regular expression over text the project does not control (model output, answers, prompts, specs):
/// each match gives up after this long with a <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>,
/// so a pathological completion fails its run instead of holding a silo's thread. The bound is generous because it is wall
/// time: on an overloaded machine a thread can be descheduled for a second or more in the middle of an ordinary match (1 s
/// fired spuriously under a load average of 40 on two cores), while catastrophic backtracking runs for minutes or hours.
/// Patterns that need no bound use
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/> (linear time) instead.
/// </summary>
public static class RegexLimits
{
    /// <summary>The match timeout in milliseconds.</summary>
    public const int MatchTimeoutMs = 10_000;
}
