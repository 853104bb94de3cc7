namespace Agents.Grains.Driving;

/// <summary>What a long-running grain gives its <see cref="GrainDriver"/>: whether to work, the work, its upkeep and a reload.</summary>
internal interface IDrivenWork
{
    /// <summary>Whether the grain's state says it should be working (a running job or league).</summary>
    bool ShouldRun { get; }

    /// <summary>
    /// When work falls due although none is due now (e.g. a finished job dropping its runs' steps at the retention age),
    /// or null when the grain waits for nothing; the keep-alive reminder then fires first at that time, not every minute.
    /// </summary>
    DateTimeOffset? WakeAt { get; }

    /// <summary>The work until it is done or stopped (a pump); a fault ends it and the driver starts it again later.</summary>
    Task RunAsync();

    /// <summary>Periodic upkeep while the driver's timer runs (e.g. flushing buffered results); may be a no-op.</summary>
    Task TickAsync();

    /// <summary>
    /// The store went back behind this activation (an ETag conflict: a restored or rolled-back store): stop the work, drop
    /// what memory holds and read the state again, so the next run reconciles from what the store has.
    /// </summary>
    Task ReloadAsync();
}
