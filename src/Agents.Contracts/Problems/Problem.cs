namespace Agents.Contracts.Problems;

/// <summary>One dataset item: a question, its gold answer when known, and where it came from.</summary>
/// <param name="Id">Stable identifier: the row's <c>id</c>, else <c>unique_id</c>, else its 1-based line number.</param>
/// <param name="Question">The problem statement given to the solver.</param>
/// <param name="Gold">The gold answer string (already extracted from a worked solution), or null when unknown.</param>
/// <param name="Source">Row format the problem was read from: <c>gsm8k</c>, <c>math</c>, <c>generic</c>, <c>processbench</c> or <c>synth</c>.</param>
/// <param name="Line">1-based line in the input file (for a JSON array, the line where the element starts); 0 when not read from a file.</param>
/// <param name="Steps">Reference solution steps when the row carries them (ProcessBench), else empty.</param>
/// <param name="FirstErrorStep">ProcessBench label: index of the earliest wrong step, -1 when all are right, null when absent.</param>
[GenerateSerializer, Immutable, Alias("agents.problem.v1")]
public sealed record Problem(
    [property: Id(0)] string Id,
    [property: Id(1)] string Question,
    [property: Id(2)] string? Gold,
    [property: Id(3)] string Source,
    [property: Id(4)] int Line,
    [property: Id(5)] ImmutableArray<string> Steps,
    [property: Id(6)] int? FirstErrorStep)
{
    /// <summary>Creates a problem with no reference steps.</summary>
    public Problem(string id, string question, string? gold, string source, int line = 0)
        : this(id, question, gold, source, line, [], null)
    {
    }
}
