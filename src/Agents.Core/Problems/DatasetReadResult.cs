namespace Agents.Core.Problems;

/// <summary>What a dataset file yielded: the problems read, in file order, and every row rejected on the way.</summary>
/// <param name="Problems">The problems read from the good rows, in file order.</param>
/// <param name="Errors">The rejected rows (and any break in the file), in file order.</param>
public sealed record DatasetReadResult(ImmutableArray<Problem> Problems, ImmutableArray<InputError> Errors);
