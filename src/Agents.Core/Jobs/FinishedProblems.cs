using System.Collections;
using Agents.Contracts.Jobs;

namespace Agents.Core.Jobs;

/// <summary>
/// The problems of a job that have a result, as far as one job activation knows: positions whose chunk marks point at
/// a recorded result, and the activation's own completions. Kept across phases. Recording a result only when
/// <see cref="TryFinish"/> says so makes completion exactly-once per problem, however many runs of it answer.
/// </summary>
public sealed class FinishedProblems
{
    private readonly Dictionary<int, BitArray> _byChunk = [];

    /// <summary>Marks the chunk's positions whose mark points at one of the first <paramref name="recordedCount"/> results as finished.</summary>
    public void Adopt(int chunk, JobChunkView view, int recordedCount)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!_byChunk.TryGetValue(chunk, out var finished))
        {
            _byChunk[chunk] = finished = new BitArray(view.Problems.Length);
        }

        for (var i = 0; i < view.Problems.Length; i++)
        {
            if (JobRecovery.IsRecorded(view.Sequence[i], recordedCount))
            {
                finished[i] = true;
            }
        }
    }

    /// <summary>Whether the problem at a position of an adopted chunk is finished.</summary>
    public bool IsFinished(int chunk, int position) => _byChunk[chunk][position];

    /// <summary>Marks a problem of an adopted chunk finished; false when it already was (its result is a duplicate).</summary>
    public bool TryFinish(int chunk, int position)
    {
        var finished = _byChunk[chunk];
        if (finished[position])
        {
            return false;
        }

        finished[position] = true;
        return true;
    }
}
