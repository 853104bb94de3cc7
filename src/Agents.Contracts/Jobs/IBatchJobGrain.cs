using Agents.Contracts.Problems;
using Agents.Contracts.Runs;

namespace Agents.Contracts.Jobs;

/// <summary>A batch of problems solved with one strategy; key = job id.</summary>
[Alias("agents.batch-job")]
public interface IBatchJobGrain : IGrainWithStringKey
{
    /// <summary>Creates the job, or checks that an existing job has the same spec (idempotent).</summary>
    [Alias("create")]
    Task CreateAsync(JobSpec spec);

    /// <summary>Uploads a chunk of problems; chunks already received (same index) are ignored.</summary>
    [Alias("add")]
    Task AddProblemsAsync(int chunkIndex, ImmutableArray<Problem> problems);

    /// <summary>
    /// Records input rows the client rejected before upload, in chunks (a chunk index already received is ignored);
    /// the job counts them all and keeps the first <c>1000</c> reasons.
    /// </summary>
    [Alias("add-rejected")]
    Task AddRejectedAsync(int chunkIndex, ImmutableArray<RejectedRow> rows);

    /// <summary>Up to <paramref name="max"/> of the rejected rows the job keeps, in upload order.</summary>
    [Alias("rejected")]
    Task<ImmutableArray<RejectedRow>> GetRejectedAsync(int max);

    /// <summary>Starts (or resumes) running the uploaded problems.</summary>
    [Alias("start")]
    Task StartAsync();

    /// <summary>Counts of the job's problems by state.</summary>
    [Alias("progress")]
    Task<JobProgress> GetProgressAsync();

    /// <summary>Pages finished results out in completion order, starting at <paramref name="from"/>.</summary>
    [Alias("results")]
    Task<ResultPage> GetResultsAsync(int from, int max);

    /// <summary>
    /// Pages finished results out in input (upload) order: <paramref name="from"/> is an input position, and problems
    /// without a result yet are skipped. <see cref="ResultPage.Finished"/> is true once every position was read.
    /// </summary>
    [Alias("results-by-input")]
    Task<ResultPage> GetResultsInInputOrderAsync(int from, int max);

    /// <summary>
    /// A client read every result of the finished job (completed or cancelled, every result recorded): the job's runs
    /// drop their memoized steps now rather than after the retention age. False (and nothing changes) while it is not finished.
    /// </summary>
    [Alias("exported")]
    Task<bool> ResultsExportedAsync();

    /// <summary>Stops starting new runs; runs in flight finish.</summary>
    [Alias("cancel")]
    Task CancelAsync();

    /// <summary>
    /// Removes a job that is not running (created, completed or cancelled with no run in flight): its problems, marks,
    /// results, rejected rows and runs; afterwards the id reads as never created and can be used again. Throws
    /// <see cref="InvalidOperationException"/> while the job is running.
    /// </summary>
    [Alias("delete")]
    Task DeleteAsync();
}

/// <summary>How a batch job runs.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Strategy">The strategy for every problem.</param>
/// <param name="Concurrency">Maximum runs in flight.</param>
/// <param name="MaxAttempts">Attempts per problem before it is recorded as failed.</param>
[GenerateSerializer, Immutable, Alias("agents.job-spec.v1")]
public sealed record JobSpec(
    [property: Id(0)] string JobId,
    [property: Id(1)] StrategySpec Strategy,
    [property: Id(2)] int Concurrency,
    [property: Id(3)] int MaxAttempts);

/// <summary>A job's progress.</summary>
/// <param name="Total">Problems uploaded.</param>
/// <param name="Completed">Problems with a result (ok or failed).</param>
/// <param name="Failed">Problems whose result is failed.</param>
/// <param name="InFlight">Runs currently executing.</param>
/// <param name="Correct">Completed problems graded correct.</param>
/// <param name="State"><c>created</c>, <c>running</c>, <c>completed</c> or <c>cancelled</c>.</param>
/// <param name="Phase">The phase being run (multi-phase strategies wait at a dataset barrier between phases).</param>
/// <param name="Phases">Phases of the job's strategy.</param>
/// <param name="PhaseDone">Problems through the current phase.</param>
/// <param name="Rejected">Input rows the client rejected before upload.</param>
/// <param name="RejectedFirst">The first few rejected rows.</param>
/// <param name="Fault">
/// The last fault of the job's driver (a pump that failed and restarts, a flush the store refused, a reload after the
/// store went back), with its UTC time, or null; the job goes on by itself.
/// </param>
/// <param name="StepsDropped">Whether the finished job's runs dropped their memoized steps (results exported, or retention age passed).</param>
[GenerateSerializer, Immutable, Alias("agents.job-progress.v2")]
public sealed record JobProgress(
    [property: Id(0)] int Total,
    [property: Id(1)] int Completed,
    [property: Id(2)] int Failed,
    [property: Id(3)] int InFlight,
    [property: Id(4)] int Correct,
    [property: Id(5)] string State,
    [property: Id(6)] int Phase,
    [property: Id(7)] int Phases,
    [property: Id(8)] int PhaseDone,
    [property: Id(9)] int Rejected,
    [property: Id(10)] ImmutableArray<RejectedRow> RejectedFirst,
    [property: Id(11)] string? Fault = null,
    [property: Id(12)] bool StepsDropped = false);

/// <summary>A page of finished results.</summary>
/// <param name="Results">Results in the order asked for.</param>
/// <param name="Next">The index (completion sequence number or input position) to ask for next.</param>
/// <param name="Finished">True when the job has no more results to produce.</param>
[GenerateSerializer, Immutable, Alias("agents.result-page.v1")]
public sealed record ResultPage(
    [property: Id(0)] ImmutableArray<RunResult> Results,
    [property: Id(1)] int Next,
    [property: Id(2)] bool Finished);
