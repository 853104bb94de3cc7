namespace Agents.Core.Jobs;

/// <summary>
/// Where a job's results are: completion sequence number <c>s</c> is entry <c>s % size</c> of results grain
/// <c>s / size</c>, and input position <c>p</c> is a position in one of the upload chunks, taken in index order.
/// </summary>
public static class ResultPaging
{
    /// <summary>Most results one page returns.</summary>
    public const int MaxPage = 10_000;

    /// <summary>The end (exclusive) of a page of at most <paramref name="max"/> (1 to <see cref="MaxPage"/>) from <paramref name="from"/>, capped at <paramref name="limit"/>.</summary>
    public static int PageEnd(int from, int max, int limit) => Math.Min(limit, from + Math.Clamp(max, 1, MaxPage));

    /// <summary>Splits sequence numbers <paramref name="from"/> to <paramref name="end"/> (exclusive) into runs that each lie in one results grain.</summary>
    public static IEnumerable<ResultSegment> Segments(int from, int end, int size)
    {
        for (var seq = from; seq < end;)
        {
            var count = Math.Min(end - seq, size - (seq % size));
            yield return new ResultSegment(seq / size, seq % size, seq - from, count);
            seq += count;
        }
    }

    /// <summary>
    /// The chunk that holds input position <paramref name="from"/> and the positions of it a page of at most
    /// <paramref name="max"/> covers (a page never spans two chunks); null past the last chunk.
    /// </summary>
    /// <param name="chunkSizes">Problems per chunk, by chunk index.</param>
    /// <param name="from">The first input position wanted (0 or more).</param>
    /// <param name="max">The page size asked for.</param>
    public static InputWindow? Locate(IEnumerable<KeyValuePair<int, int>> chunkSizes, int from, int max)
    {
        var start = 0;
        foreach (var (chunk, size) in chunkSizes.OrderBy(c => c.Key))
        {
            if (from >= start + size)
            {
                start += size;
                continue;
            }

            return new InputWindow(chunk, start, from - start, Math.Min(size, from - start + Math.Clamp(max, 1, MaxPage)));
        }

        return null;
    }
}

/// <summary>A run of consecutive results that lies in one results grain.</summary>
/// <param name="Grain">The results grain index.</param>
/// <param name="Offset">The first entry within that grain.</param>
/// <param name="Skip">How far the run starts from the first sequence number split.</param>
/// <param name="Count">Entries in the run.</param>
public readonly record struct ResultSegment(int Grain, int Offset, int Skip, int Count);

/// <summary>Positions <see cref="First"/> to <see cref="End"/> (exclusive) of one chunk, whose position 0 is input position <see cref="Start"/>.</summary>
/// <param name="Chunk">The chunk index.</param>
/// <param name="Start">The input position of the chunk's first problem.</param>
/// <param name="First">The first position within the chunk.</param>
/// <param name="End">The position after the last one within the chunk.</param>
public readonly record struct InputWindow(int Chunk, int Start, int First, int End)
{
    /// <summary>The input position to ask for next.</summary>
    public int Next => Start + End;
}
