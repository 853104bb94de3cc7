using Agents.Contracts.Jobs;
using Agents.Contracts.Runs;

namespace Agents.Core.Jobs;

/// <summary>
/// Results and barrier values recorded in memory, not yet flushed. <see cref="Plan"/> lays out one flush of everything
/// buffered so far (results at the next sequence numbers, the chunks' marks, the counters); <see cref="Commit"/> drops
/// the flushed marks once every write succeeded, so a failed flush is planned again at the same sequence numbers.
/// Marks added while a flush is under way stay for the next one.
/// </summary>
public sealed class JobResultBuffer
{
    private readonly List<JobMark> _marks = [];

    /// <summary>Marks waiting to be flushed.</summary>
    public int Count => _marks.Count;

    /// <summary>Buffers a mark.</summary>
    public void Add(JobMark mark) => _marks.Add(mark);

    /// <summary>Lays out a flush of the buffered marks, the first result at <paramref name="firstSequence"/>.</summary>
    /// <param name="firstSequence">The job's recorded result count (the next completion sequence number).</param>
    /// <param name="resultsPerGrain">Results each results grain holds.</param>
    public JobFlushPlan Plan(int firstSequence, int resultsPerGrain)
    {
        var batch = _marks.ToList();
        var finals = batch.Where(m => m.Result is not null).ToList();
        var writes = ResultPaging.Segments(firstSequence, firstSequence + finals.Count, resultsPerGrain)
            .Select(s => new ResultWrite(s.Grain, s.Offset, [.. finals.Skip(s.Skip).Take(s.Count).Select(m => m.Result!)]));
        var sequence = new Dictionary<JobMark, int>(finals.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < finals.Count; i++)
        {
            sequence[finals[i]] = firstSequence + i;
        }

        var records = batch.GroupBy(m => (m.Chunk, m.Phase)).Select(g =>
        {
            var done = g.Where(m => m.Result is not null).ToList();
            var barrier = g.Where(m => m.Barrier is not null).ToList();
            return new ChunkRecord(g.Key.Chunk, new JobChunkMarks(
                g.Key.Phase, [.. done.Select(m => m.Position)], [.. done.Select(m => sequence[m])],
                [.. barrier.Select(m => m.Position)], [.. barrier.Select(m => m.Barrier!.Value)]));
        });

        return new JobFlushPlan(
            batch.Count, [.. writes], [.. records], finals.Count,
            finals.Count(m => m.Result!.Status == FailedRun.Status), finals.Count(m => m.Result!.Correct == true),
            batch.Where(m => m.Barrier is not null).GroupBy(m => m.Phase).ToImmutableDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Drops the marks a plan flushed (the oldest ones).</summary>
    public void Commit(JobFlushPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _marks.RemoveRange(0, plan.Marks);
    }
}

/// <summary>One flush: the writes in the order recovery relies on (results, then chunk marks), then the counter increments.</summary>
/// <param name="Marks">Buffered marks the flush covers (the oldest ones).</param>
/// <param name="ResultWrites">Results to write, each run within one results grain.</param>
/// <param name="ChunkRecords">Marks to record, per chunk and phase.</param>
/// <param name="Results">Results recorded (added to the result count).</param>
/// <param name="Failed">Of those, failed ones.</param>
/// <param name="Correct">Of those, ones graded correct.</param>
/// <param name="BarrierValues">Barrier values recorded, by phase.</param>
public sealed record JobFlushPlan(
    int Marks,
    ImmutableArray<ResultWrite> ResultWrites,
    ImmutableArray<ChunkRecord> ChunkRecords,
    int Results,
    int Failed,
    int Correct,
    ImmutableDictionary<int, int> BarrierValues);

/// <summary>Results to write into one results grain from an offset on.</summary>
/// <param name="Grain">The results grain index.</param>
/// <param name="Offset">The first entry written.</param>
/// <param name="Results">The results.</param>
public sealed record ResultWrite(int Grain, int Offset, ImmutableArray<RunResult> Results);

/// <summary>Marks to record in one chunk.</summary>
/// <param name="Chunk">The chunk index.</param>
/// <param name="Marks">The marks.</param>
public sealed record ChunkRecord(int Chunk, JobChunkMarks Marks);
