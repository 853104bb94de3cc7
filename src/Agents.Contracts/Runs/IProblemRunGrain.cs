namespace Agents.Contracts.Runs;

/// <summary>Drives one problem through its strategy and keeps the run's transcript; key = "{jobId}/{problemId}".</summary>
[Alias("agents.problem-run")]
public interface IProblemRunGrain : IGrainWithStringKey
{
    /// <summary>Runs the problem, or returns the recorded result when it already finished (idempotent).</summary>
    [Alias("run")]
    Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs one phase of a multi-phase strategy (idempotent per phase); the last phase carries the result.</summary>
    [Alias("run-phase")]
    Task<PhaseResult> RunPhaseAsync(RunRequest request, CancellationToken cancellationToken = default);

    /// <summary>The recorded result (answer, usage, ledger), or null while the run has not finished; never starts a run.</summary>
    [Alias("result")]
    Task<RunResult?> GetResultAsync();

    /// <summary>Returns every agent message recorded so far.</summary>
    [Alias("transcript")]
    Task<ImmutableArray<TranscriptEntry>> GetTranscriptAsync();

    /// <summary>
    /// Drops the memoized steps (agent calls kept for replay) of a run whose job finished and returns how many there were;
    /// the result and transcript stay.
    /// </summary>
    [Alias("drop-steps")]
    Task<int> DropStepsAsync();

    /// <summary>Removes the recorded steps, result and transcript (the job being deleted); a later run starts afresh.</summary>
    [Alias("clear")]
    Task ClearAsync();
}
