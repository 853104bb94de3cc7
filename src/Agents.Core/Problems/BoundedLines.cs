using System.Text;

namespace Agents.Core.Problems;

/// <summary>One line read by <see cref="BoundedLines"/>: its 1-based number and text, or no text when it ran over the cap.</summary>
/// <param name="Number">The 1-based line number.</param>
/// <param name="Text">The line without its terminator, or null when it was longer than the cap.</param>
/// <param name="Length">The line's length in characters (counted to the end even when over the cap).</param>
public readonly record struct BoundedLine(int Number, string? Text, long Length)
{
    /// <summary>Whether the line ran over the cap (its text was not kept).</summary>
    public bool TooLong => Text is null;
}

/// <summary>
/// Reads text line by line without ever holding more than a cap of one line: a longer line is reported (number and
/// length) and skipped, so a file without newlines (a corrupt record, <c>/dev/zero</c>) costs bounded memory.
/// </summary>
public static class BoundedLines
{
    /// <summary>The error text for a line over the cap, naming its number and the cap.</summary>
    public static string TooLongMessage(BoundedLine line, int maxChars) =>
        $"line {line.Number} is longer than {maxChars} characters";

    /// <summary>The lines of a reader (<c>\n</c> or <c>\r\n</c> terminated), each at most <paramref name="maxChars"/> characters kept.</summary>
    public static IEnumerable<BoundedLine> Read(TextReader reader, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        return ReadIterator(reader, maxChars);
    }

    /// <summary>The lines of a UTF-8 file, each at most <paramref name="maxChars"/> characters kept.</summary>
    public static IEnumerable<BoundedLine> ReadFile(string path, int maxChars)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var line in Read(reader, maxChars))
        {
            yield return line;
        }
    }

    private static IEnumerable<BoundedLine> ReadIterator(TextReader reader, int maxChars)
    {
        var buffer = new char[64 * 1024];
        var current = new StringBuilder();
        var number = 1;
        long length = 0;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                Append(buffer.AsSpan(start, i - start));
                yield return Finish();
                start = i + 1;
            }

            Append(buffer.AsSpan(start, read - start));
        }

        if (length > 0)
        {
            yield return Finish();
        }

        void Append(ReadOnlySpan<char> chars)
        {
            length += chars.Length;
            if (length <= maxChars + 1)
            {
                // One character beyond the cap is kept so a trailing '\r' of a line exactly at the cap is still seen.
                current.Append(chars[..Math.Min(chars.Length, maxChars + 1 - current.Length)]);
            }
        }

        BoundedLine Finish()
        {
            if (current.Length > 0 && current[^1] == '\r' && length <= maxChars + 1)
            {
                current.Length--;
                length--;
            }

            var line = length > maxChars ? new BoundedLine(number, null, length) : new BoundedLine(number, current.ToString(), length);
            number++;
            length = 0;
            current.Clear();
            return line;
        }
    }
}
