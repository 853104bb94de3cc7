namespace Agents.Grains.SelfPlay;

/// <summary>The league grain's log messages.</summary>
internal static partial class LeagueLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: game {Round}/{Game} failed (attempt {Attempt} of {MaxAttempts})")]
    public static partial void GameFailed(ILogger logger, Exception ex, string league, int round, int game, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "league {League}: paused itself after {Games} failed games in a row; fix the backend, then resume")]
    public static partial void AutoPaused(ILogger logger, string league, int games);

    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: closing round {Round} failed; it will be retried")]
    public static partial void CloseFailed(ILogger logger, Exception ex, string league, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "league {League}: a call for game {Round}/{Game} has not answered in {Seconds} s (the game may still be playing, or its answer was lost); asking again (ask {Ask}; the game and its chunk answer a repeat from what they stored)")]
    public static partial void AskingAgain(ILogger logger, string league, int round, int game, double seconds, int ask);

    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: a chunk call closing round {Round} was not answered in {Seconds} s; asking again (ask {Ask}; the call is idempotent)")]
    public static partial void AskingAgainAtBarrier(ILogger logger, string league, int round, double seconds, int ask);
}
