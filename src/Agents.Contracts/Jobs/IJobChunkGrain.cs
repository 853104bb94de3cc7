using Agents.Contracts.Problems;
using Agents.Contracts.Runs;

namespace Agents.Contracts.Jobs;

/// <summary>
/// One upload chunk of a batch job's problems (key = "{job}/{chunkIndex}") and what the job has recorded about them:
/// the completion sequence number of each finished problem and the barrier values of multi-phase strategies.
/// </summary>
[Alias("agents.job-chunk")]
public interface IJobChunkGrain : IGrainWithStringKey
{
    /// <summary>Stores the chunk's problems (a chunk that already has problems keeps them); answers how many it holds.</summary>
    [Alias("add")]
    Task<int> AddAsync(ImmutableArray<Problem> problems);

    /// <summary>The chunk's problems with the marks recorded so far for <paramref name="phase"/>.</summary>
    [Alias("load")]
    Task<JobChunkView> LoadAsync(int phase);

    /// <summary>
    /// Forgets finished marks at or above <paramref name="validBelow"/> (written by a job activation that died before
    /// it recorded them) and counts what is left.
    /// </summary>
    [Alias("reconcile")]
    Task<JobChunkCounts> ReconcileAsync(int validBelow, int phase);

    /// <summary>Records finished problems and barrier values (positions within the chunk).</summary>
    [Alias("record")]
    Task RecordAsync(JobChunkMarks marks);

    /// <summary>The completion sequence number of each position; -1 where the problem has no result.</summary>
    [Alias("seqs")]
    Task<ImmutableArray<int>> GetSequenceNumbersAsync();

    /// <summary>The barrier values recorded for <paramref name="phase"/>.</summary>
    [Alias("barrier")]
    Task<ImmutableArray<double>> GetBarrierValuesAsync(int phase);

    /// <summary>Removes the chunk's stored problems and marks (the job being deleted).</summary>
    [Alias("clear")]
    Task ClearAsync();
}

/// <summary>A bounded run of a job's results in completion order (key = "{job}/{n}", sequence numbers n·size …).</summary>
[Alias("agents.job-results")]
public interface IJobResultsGrain : IGrainWithStringKey
{
    /// <summary>Writes results from <paramref name="offset"/> on, replacing anything there (left by a lost activation).</summary>
    [Alias("write")]
    Task WriteAsync(int offset, ImmutableArray<RunResult> results);

    /// <summary>Up to <paramref name="count"/> results from <paramref name="offset"/>.</summary>
    [Alias("read")]
    Task<ImmutableArray<RunResult>> ReadAsync(int offset, int count);

    /// <summary>The results at the given offsets, in the order asked.</summary>
    [Alias("read-at")]
    Task<ImmutableArray<RunResult>> ReadAtAsync(ImmutableArray<int> offsets);

    /// <summary>Removes the stored results (the job being deleted).</summary>
    [Alias("clear")]
    Task ClearAsync();
}

/// <summary>A chunk's problems and marks.</summary>
/// <param name="Problems">The problems in upload order.</param>
/// <param name="Sequence">Per position: the completion sequence number, or -1.</param>
/// <param name="BarrierDone">Positions with a barrier value for the phase asked about.</param>
[GenerateSerializer, Immutable, Alias("agents.job-chunk-view.v1")]
public sealed record JobChunkView(
    [property: Id(0)] ImmutableArray<Problem> Problems,
    [property: Id(1)] ImmutableArray<int> Sequence,
    [property: Id(2)] ImmutableArray<int> BarrierDone);

/// <summary>What a chunk holds after reconciliation.</summary>
/// <param name="Problems">Problems in the chunk.</param>
/// <param name="Finished">Problems with a valid completion mark.</param>
/// <param name="BarrierDone">Barrier values for the phase asked about.</param>
[GenerateSerializer, Immutable, Alias("agents.job-chunk-counts.v1")]
public sealed record JobChunkCounts(
    [property: Id(0)] int Problems,
    [property: Id(1)] int Finished,
    [property: Id(2)] int BarrierDone);

/// <summary>Marks to record in one chunk (parallel arrays keep the message compact).</summary>
/// <param name="Phase">The phase the barrier values belong to.</param>
/// <param name="FinishedPositions">Positions of finished problems.</param>
/// <param name="FinishedSequence">Their completion sequence numbers.</param>
/// <param name="BarrierPositions">Positions that reported a barrier value.</param>
/// <param name="BarrierValues">The values.</param>
[GenerateSerializer, Immutable, Alias("agents.job-chunk-marks.v1")]
public sealed record JobChunkMarks(
    [property: Id(0)] int Phase,
    [property: Id(1)] ImmutableArray<int> FinishedPositions,
    [property: Id(2)] ImmutableArray<int> FinishedSequence,
    [property: Id(3)] ImmutableArray<int> BarrierPositions,
    [property: Id(4)] ImmutableArray<double> BarrierValues);

/// <summary>An input row the client rejected before upload.</summary>
/// <param name="File">The input file as given.</param>
/// <param name="Line">1-based line of the row.</param>
/// <param name="Reason">What is wrong with it.</param>
[GenerateSerializer, Immutable, Alias("agents.rejected-row.v1")]
public sealed record RejectedRow(
    [property: Id(0)] string File,
    [property: Id(1)] int Line,
    [property: Id(2)] string Reason)
{
    /// <summary>The row in the <c>file:line: reason</c> shape.</summary>
    public override string ToString() => $"{File}:{Line}: {Reason}";
}
