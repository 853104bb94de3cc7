namespace Agents.Core.Problems;

/// <summary>One rejected input row, reported as <c>file:line: reason</c>.</summary>
/// <param name="File">The input file name as given by the caller.</param>
/// <param name="Line">1-based line in the file where the rejected row (or the break in the file) starts.</param>
/// <param name="Reason">What is wrong with the row, naming the field when one is at fault.</param>
public sealed record InputError(string File, int Line, string Reason)
{
    /// <summary>The error in the <c>file:line: reason</c> shape the command line prints.</summary>
    public override string ToString() => $"{File}:{Line}: {Reason}";
}
