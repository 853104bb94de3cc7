namespace Agents.Core.Jobs;

/// <summary>
/// When a finished job's runs drop their memoized steps (the agent calls a run replays after a restart, useless once the
/// job has finished): as soon as its results were exported (read to the end by a client), else once the retention age
/// has passed since it finished. Results and transcripts stay until the job is deleted.
/// </summary>
public static class JobRetention
{
    /// <summary>Whether the runs of a job that finished at <paramref name="finishedAt"/> should drop their steps now.</summary>
    /// <param name="finishedAt">When the job completed or was cancelled; null = before this was recorded (long ago).</param>
    /// <param name="exported">Whether a client read the job's results to the end.</param>
    /// <param name="now">The silo's clock.</param>
    /// <param name="age">How long unexported steps are kept (zero = drop on finishing).</param>
    public static bool StepsDue(DateTimeOffset? finishedAt, bool exported, DateTimeOffset now, TimeSpan age) =>
        exported || finishedAt is not { } at || now - at >= age;
}
