using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Agents.Core.Problems;

/// <summary>Reads batch inputs (JSONL or a JSON array of rows) into problems, reporting each bad row without stopping.</summary>
/// <remarks>
/// A file whose first non-whitespace character is <c>[</c> is a JSON array; anything else is JSONL. JSONL is streamed
/// line by line; an array is read once into memory and walked element by element, so a bad element is reported on the
/// line where it starts and the others are still read.
/// </remarks>
public static class DatasetReader
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the dataset file at <paramref name="path"/>; throws <see cref="FileNotFoundException"/> when it is absent.</summary>
    public static DatasetReadResult Read(string path, DatasetReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"input file '{path}' does not exist", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path, options ?? DatasetReaderOptions.Default);
    }

    /// <summary>Parses dataset text already in memory; <paramref name="fileName"/> is used in error messages.</summary>
    public static DatasetReadResult Parse(string content, string fileName, DatasetReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content), writable: false);
        return Read(stream, fileName, options ?? DatasetReaderOptions.Default);
    }

    /// <summary>Parses dataset bytes (UTF-8, optionally with a BOM); <paramref name="fileName"/> is used in error messages.</summary>
    public static DatasetReadResult Parse(ReadOnlySpan<byte> content, string fileName, DatasetReaderOptions? options = null)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        return Read(stream, fileName, options ?? DatasetReaderOptions.Default);
    }

    /// <summary>
    /// Reads a dataset from a seekable stream (an upload spooled to disk); <paramref name="fileName"/> is used in error
    /// messages, so rejections read <c>fileName:line: reason</c> as they do for a file.
    /// </summary>
    public static DatasetReadResult Read(Stream stream, string fileName, DatasetReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("the dataset stream must be seekable (spool an upload to a file first)", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineLength, 1);
        var sink = new Sink(fileName);
        var isArray = StartsWithArray(stream);
        stream.Position = 0;
        if (isArray)
        {
            var bytes = ReadAll(stream);
            if (!ReadArray(bytes, options, sink))
            {
                // A one-line array followed by more lines is JSONL whose first row is an array, not a broken array file.
                sink = new Sink(fileName);
                using var again = new MemoryStream(bytes, writable: false);
                ReadLines(again, options, sink);
            }
        }
        else
        {
            ReadLines(stream, options, sink);
        }

        return new DatasetReadResult(sink.Problems.ToImmutable(), sink.Errors.ToImmutable());
    }

    private static bool StartsWithArray(Stream stream)
    {
        var buffer = new byte[4096];
        var first = true;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            if (first && span.StartsWith(Bom))
            {
                span = span[Bom.Length..];
            }

            first = false;
            var index = span.IndexOfAnyExcept(" \t\r\n"u8);
            if (index >= 0)
            {
                return span[index] == (byte)'[';
            }
        }

        return false;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : 0);
        stream.CopyTo(copy);
        return copy.Length == copy.Capacity ? copy.GetBuffer() : copy.ToArray();
    }

    private static void ReadLines(Stream stream, DatasetReaderOptions options, Sink sink)
    {
        var max = options.MaxLineLength;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(64 * 1024, max + 2L));
        try
        {
            int start = 0, end = 0, scan = 0, line = 1;
            var eof = false;
            while (true)
            {
                var newline = buffer.AsSpan(scan, end - scan).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var stop = scan + newline;
                    ReadLine(buffer.AsSpan(start, stop - start), line++, max, sink);
                    start = scan = stop + 1;
                    continue;
                }

                if (eof)
                {
                    if (end > start)
                    {
                        ReadLine(buffer.AsSpan(start, end - start), line, max, sink);
                    }

                    return;
                }

                if (end - start > max + 1L)
                {
                    // Too long to be accepted even with a '\r': count the rest of it without keeping it.
                    var (length, sawNewline) = SkipLine(stream, buffer, end - start, ref start, ref end);
                    sink.Error(line++, $"line is {length} bytes, over the limit of {max}");
                    scan = start;
                    if (!sawNewline)
                    {
                        return;
                    }

                    continue;
                }

                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min((long)buffer.Length * 2, max + 2L), Array.MaxLength));
                    buffer.AsSpan(0, end).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                scan = end;
                var read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    eof = true;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Consumes an over-long line up to its newline, leaving whatever follows it in the buffer.</summary>
    private static (long Length, bool SawNewline) SkipLine(Stream stream, byte[] buffer, long counted, ref int start, ref int end)
    {
        while (true)
        {
            var read = stream.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                start = end = 0;
                return (counted, false);
            }

            var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                start = newline + 1;
                end = read;
                var carriageReturn = newline > 0 && buffer[newline - 1] == (byte)'\r' ? 1 : 0;
                return (counted + newline - carriageReturn, true);
            }

            counted += read;
        }
    }

    private static void ReadLine(ReadOnlySpan<byte> bytes, int line, int max, Sink sink)
    {
        if (bytes.EndsWith((byte)'\r'))
        {
            bytes = bytes[..^1];
        }

        if (line == 1 && bytes.StartsWith(Bom))
        {
            bytes = bytes[Bom.Length..];
        }

        if (bytes.Length > max)
        {
            sink.Error(line, $"line is {bytes.Length} bytes, over the limit of {max}");
            return;
        }

        if (bytes.IndexOfAnyExcept(" \t\r"u8) < 0)
        {
            sink.Error(line, "empty line");
            return;
        }

        if (CheckBytes(bytes, isLine: true) is { } problem)
        {
            sink.Error(line, problem);
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            sink.Row(document.RootElement, line);
        }
        catch (JsonException ex)
        {
            sink.Error(line, $"invalid JSON at column {(ex.BytePositionInLine ?? 0) + 1}: {ParserMessage(ex)}");
        }
    }

    /// <summary>Rejects content the JSON parser would misreport: binary data, a stray BOM, invalid UTF-8.</summary>
    /// <param name="bytes">A JSONL line, or a JSON array element (which may span lines).</param>
    /// <param name="isLine">Whether positions can be given as columns (a line) or only as byte offsets (an element).</param>
    private static string? CheckBytes(ReadOnlySpan<byte> bytes, bool isLine)
    {
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            return $"binary content: NUL byte at {Position(nul, isLine)}";
        }

        var trimmed = bytes.IndexOfAnyExcept(" \t"u8);
        if (isLine && trimmed >= 0 && bytes[trimmed..].StartsWith(Bom))
        {
            return $"byte order mark at column {trimmed + 1} (line is not at the start of the file)";
        }

        return Utf8.IsValid(bytes) ? null : $"invalid UTF-8 at {Position(ValidPrefixLength(bytes), isLine)}";
    }

    private static string Position(int index, bool isLine) => isLine ? $"column {index + 1}" : $"byte {index + 1} of the element";

    private static int ValidPrefixLength(ReadOnlySpan<byte> bytes)
    {
        var status = Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? bytes.Length : read;
    }

    /// <summary>Reads a JSON array file; returns false when it is really JSONL that starts with a one-line array.</summary>
    private static bool ReadArray(byte[] bytes, DatasetReaderOptions options, Sink sink)
    {
        var offset = bytes.AsSpan().StartsWith(Bom) ? Bom.Length : 0;
        var data = bytes.AsMemory(offset);
        var lines = new LineCounter(data);
        var reader = new Utf8JsonReader(data.Span);
        var endLine = 0;
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var startIndex = (int)reader.TokenStartIndex;
                var line = lines.LineAt(startIndex);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    var kind = reader.TokenType switch
                    {
                        JsonTokenType.StartArray => "array",
                        JsonTokenType.String => "string",
                        JsonTokenType.Number => "number",
                        JsonTokenType.True or JsonTokenType.False => "boolean",
                        _ => "null",
                    };
                    reader.Skip();
                    sink.Error(line, $"row must be a JSON object, got {kind}");
                    continue;
                }

                using var document = JsonDocument.ParseValue(ref reader);
                var element = data.Span[startIndex..(int)reader.BytesConsumed];
                if (element.Length > options.MaxLineLength)
                {
                    sink.Error(line, $"element is {element.Length} bytes, over the limit of {options.MaxLineLength}");
                }
                else if (CheckBytes(element, isLine: false) is { } problem)
                {
                    sink.Error(line, problem);
                }
                else
                {
                    sink.Row(document.RootElement, line);
                }
            }

            // The array is done; anything but whitespace after it is a break in the file.
            endLine = lines.LineAt((int)reader.TokenStartIndex);
            reader.Read();
            return true;
        }
        catch (JsonException ex)
        {
            var line = (int)Math.Min((ex.LineNumber ?? 0) + 1, int.MaxValue);
            if (endLine == 1 && line > 1)
            {
                return false;
            }

            sink.Error(line, $"invalid JSON at column {(ex.BytePositionInLine ?? 0) + 1}: {ParserMessage(ex)}; the rest of the file is not read");
            return true;
        }
    }

    /// <summary>The parser's message without its own position suffix, which is relative to the line, not the file.</summary>
    private static string ParserMessage(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Maps byte offsets, visited in increasing order, to 1-based line numbers.</summary>
    private sealed class LineCounter(ReadOnlyMemory<byte> data)
    {
        private int _offset;
        private int _line = 1;

        public int LineAt(int offset)
        {
            _line += data.Span[_offset..offset].Count((byte)'\n');
            _offset = offset;
            return _line;
        }
    }

    /// <summary>Collects problems and errors, rejecting duplicate ids.</summary>
    private sealed class Sink(string fileName)
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

        public ImmutableArray<Problem>.Builder Problems { get; } = ImmutableArray.CreateBuilder<Problem>();

        public ImmutableArray<InputError>.Builder Errors { get; } = ImmutableArray.CreateBuilder<InputError>();

        public void Error(int line, string reason) => Errors.Add(new InputError(fileName, line, reason));

        public void Row(JsonElement row, int line)
        {
            var problem = RowReader.Read(row, line, out var error);
            if (problem is null)
            {
                Error(line, error!);
                return;
            }

            if (!_seen.TryAdd(problem.Id, line))
            {
                Error(line, string.Create(CultureInfo.InvariantCulture, $"duplicate id '{problem.Id}' (first seen on line {_seen[problem.Id]})"));
                return;
            }

            Problems.Add(problem);
        }
    }
}
