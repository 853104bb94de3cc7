using System.Globalization;

namespace Agents.Core.Jobs;

/// <summary>How the driver of a long-running grain (a batch job, a league) retries its work and shows a fault.</summary>
public static class DriverRules
{
    /// <summary>The longest wait before faulted work starts again.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>The longest a keep-alive reminder is put off; a later wake-up is reached in steps of this (a timer's range is finite).</summary>
    public static readonly TimeSpan MaxWakeDelay = TimeSpan.FromDays(1);

    /// <summary>How long from <paramref name="now"/> until a grain with nothing to do before <paramref name="wakeAt"/> is woken: at most <see cref="MaxWakeDelay"/>, never negative.</summary>
    public static TimeSpan WakeDelay(DateTimeOffset wakeAt, DateTimeOffset now) =>
        TimeSpan.FromTicks(Math.Clamp((wakeAt - now).Ticks, 0, MaxWakeDelay.Ticks));

    /// <summary>The wait before work that faulted <paramref name="failures"/> times in a row starts again: the period, doubled per failure, at most <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int failures, TimeSpan period)
    {
        var doublings = Math.Clamp(failures - 1, 0, 16);
        var ticks = Math.Min(MaxBackoff.Ticks, period.Ticks * (1L << doublings));
        return TimeSpan.FromTicks(Math.Max(0, ticks));
    }

    /// <summary>The fault as a status shows it: when (UTC, to the second), the exception's type and first message line, what the driver does.</summary>
    public static string Describe(DateTimeOffset at, Exception error, string action)
    {
        ArgumentNullException.ThrowIfNull(error);
        var line = error.Message.Split('\n', 2)[0].Trim();
        return string.Create(CultureInfo.InvariantCulture, $"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {error.GetType().Name}: {line} ({action})");
    }
}
