using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

internal static class JobData
{
    public static Problem Problem(string id, string? gold = "1") => new(id, $"question {id}", gold, "synth");

    /// <summary>A chunk view of problems "{chunk}-{position}" with the given marks.</summary>
    public static JobChunkView View(int chunk, int[] sequence, params int[] barrierDone) => new(
        [.. sequence.Select((_, i) => Problem($"{chunk}-{i}"))], [.. sequence], [.. barrierDone]);

    public static JobChunkView Fresh(int chunk, int count) => View(chunk, [.. Enumerable.Repeat(JobRecovery.Unfinished, count)]);

    public static RunResult Ok(string id, bool? correct) =>
        FailedRun.For(Problem(id), "cot", 0, null) with { Status = "ok", Answer = "1", Correct = correct, Details = ImmutableDictionary<string, string>.Empty };

    public static RunResult Failed(string id) => FailedRun.For(Problem(id), "cot", 0, "attempt 2/2: boom");

    public static JobWork Work(int chunk, int position) => new(chunk, position, Problem($"{chunk}-{position}"));

    public static List<JobWork> Drain(PendingCursor cursor)
    {
        var taken = new List<JobWork>();
        while (cursor.TryTake(out var work))
        {
            taken.Add(work);
        }

        return taken;
    }
}
