namespace Agents.Core.SelfPlay;

/// <summary>
/// How a league treats games that throw: each is retried with backoff up to max_game_attempts, then recorded as failed;
/// max_consecutive_failed_games such records in a row pause the league with the last error (a dead backend would otherwise
/// get game after game).
/// </summary>
public static class LeagueFailures
{
    /// <summary>Whether a game that failed <paramref name="attempts"/> times is given up and recorded as failed.</summary>
    public static bool GivenUp(int attempts, SpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return attempts >= options.MaxGameAttempts;
    }

    /// <summary>The error a failed game's record keeps.</summary>
    public static string ErrorText(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"{error.GetType().Name}: {error.Message}";
    }

    /// <summary>Why the league pauses itself after <paramref name="consecutiveFailedGames"/> failed games in a row, or null to go on (0 = never pause).</summary>
    public static string? AutoPauseReason(int consecutiveFailedGames, SpcOptions options, string? lastError)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxConsecutiveFailedGames > 0 && consecutiveFailedGames >= options.MaxConsecutiveFailedGames
            ? $"{consecutiveFailedGames} games in a row failed after {options.MaxGameAttempts} attempt(s) each; last error: {lastError}"
            : null;
    }

    /// <summary>The wait before the pump runs again after a failed attempt: 100 ms per consecutive failure, at most 10 s.</summary>
    public static TimeSpan Backoff(int consecutiveFailures) => TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * consecutiveFailures));
}
