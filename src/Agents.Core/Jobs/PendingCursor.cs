using Agents.Contracts.Jobs;

namespace Agents.Core.Jobs;

/// <summary>
/// The problems one phase still has to run, read a chunk at a time just ahead of need (memory holds about two chunks,
/// not the job). A problem is pending when it is not finished and has no barrier value for the phase yet.
/// </summary>
/// <param name="chunks">The job's chunk indices, visited in ascending order.</param>
/// <param name="finished">The activation's finished problems (adopts each chunk's recorded marks as it is loaded).</param>
public sealed class PendingCursor(IEnumerable<int> chunks, FinishedProblems finished)
{
    private readonly Queue<int> _chunks = new(chunks.Order());
    private readonly Queue<JobWork> _pending = new();

    /// <summary>True when no chunk is left to read and no problem is left to take.</summary>
    public bool IsExhausted => _pending.Count == 0 && _chunks.Count == 0;

    /// <summary>The next chunk to read while fewer than <paramref name="wanted"/> problems are pending, else null.</summary>
    public int? NextChunk(int wanted) => _pending.Count < wanted && _chunks.Count > 0 ? _chunks.Dequeue() : null;

    /// <summary>
    /// Queues a chunk's pending problems, given its view for this phase and the job's recorded result count;
    /// <paramref name="offset"/> is the input position of the chunk's first problem (-1 when unknown).
    /// </summary>
    public void Load(int chunk, JobChunkView view, int recordedCount, int offset = -1)
    {
        ArgumentNullException.ThrowIfNull(view);
        finished.Adopt(chunk, view, recordedCount);
        var barrierDone = view.BarrierDone.ToHashSet();
        for (var i = 0; i < view.Problems.Length; i++)
        {
            if (!finished.IsFinished(chunk, i) && !barrierDone.Contains(i))
            {
                _pending.Enqueue(new JobWork(chunk, i, view.Problems[i], offset < 0 ? -1 : offset + i));
            }
        }
    }

    /// <summary>Takes the next pending problem, if any.</summary>
    public bool TryTake(out JobWork work) => _pending.TryDequeue(out work);
}
