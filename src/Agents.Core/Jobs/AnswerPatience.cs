namespace Agents.Core.Jobs;

/// <summary>
/// How long a job or a league waits for the answer of a run, game or chunk grain before asking it again. Grain calls
/// inside a silo may wait half an hour (a run phase on a real model takes long), but Orleans delivers a message at most
/// once: an answer lost on the way (seen while a restarted cluster tore down connections to the silos it replaced) leaves
/// the grain holding its result while the caller waits for an answer that never comes, a run or game in flight for the
/// rest of the call timeout. Every call asked this way is idempotent (a run or game answers a repeated request from its
/// stored result; chunk writes are keyed), so a repeat only costs a call queued behind one still running; the waits
/// double so that a long run is asked a handful of times, not every half minute.
/// </summary>
public static class AnswerPatience
{
    /// <summary>The wait for the first answer before asking again.</summary>
    public static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two asks.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(8);

    /// <summary>
    /// The wait after the <paramref name="asks"/>-th ask (1 = the first call) before the next: <see cref="FirstWait"/>,
    /// doubled per repeat, at most <see cref="LongestWait"/>.
    /// </summary>
    public static TimeSpan WaitAfter(int asks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(asks, 1);
        var doublings = Math.Min(asks - 1, 16);
        return TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstWait.Ticks * (1L << doublings)));
    }
}
