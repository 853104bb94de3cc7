namespace Agents.Core.Problems;

/// <summary>Limits applied while reading a dataset file.</summary>
/// <param name="MaxLineLength">
/// Longest accepted JSONL line (or JSON array element) in bytes, line terminator excluded; longer ones are rejected
/// without being buffered whole, so one runaway line cannot exhaust memory. Must be at least 1.
/// </param>
public sealed record DatasetReaderOptions(int MaxLineLength = 1_000_000)
{
    /// <summary>The defaults: lines up to 1,000,000 bytes.</summary>
    public static DatasetReaderOptions Default { get; } = new();
}
