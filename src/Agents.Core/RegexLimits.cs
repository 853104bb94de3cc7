namespace Agents.Core;

/// <summary>
/// The bound on every regular expression over text the project does not control (model output, answers, prompts, specs):
/// each match gives up after this long with a <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>,
/// so a pathological completion fails its run instead of holding a silo's thread. Patterns that need no bound use
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/> (linear time) instead.
/// </summary>
public static class RegexLimits
{
    /// <summary>The match timeout in milliseconds.</summary>
    public const int MatchTimeoutMs = 1000;
}
