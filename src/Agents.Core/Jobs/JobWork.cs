using Agents.Contracts.Runs;

namespace Agents.Core.Jobs;

/// <summary>A problem to run: where it is in the job (upload chunk and position) and the problem itself.</summary>
/// <param name="Chunk">The upload chunk index.</param>
/// <param name="Position">The position within the chunk.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Index">The 0-based position in the job's input (chunks in order), or -1 when unknown.</param>
public readonly record struct JobWork(int Chunk, int Position, Problem Problem, int Index = -1);

/// <summary>A result or barrier value recorded in memory, waiting to be flushed to its chunk.</summary>
/// <param name="Chunk">The upload chunk index.</param>
/// <param name="Position">The position within the chunk.</param>
/// <param name="Phase">The phase that produced it.</param>
/// <param name="Result">The problem's final result, or null for a barrier value.</param>
/// <param name="Barrier">The barrier value the next phase's statistics aggregate, or null for a result.</param>
public sealed record JobMark(int Chunk, int Position, int Phase, RunResult? Result, double? Barrier)
{
    /// <summary>A problem's final result.</summary>
    public static JobMark Finished(JobWork work, int phase, RunResult result) => new(work.Chunk, work.Position, phase, result, null);

    /// <summary>A problem that finished a phase short of its last and reported a barrier value.</summary>
    public static JobMark AtBarrier(JobWork work, int phase, double value) => new(work.Chunk, work.Position, phase, null, value);
}
