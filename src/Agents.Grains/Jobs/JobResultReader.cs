using Agents.Core.Jobs;

namespace Agents.Grains.Jobs;

/// <summary>Pages a job's stored results out of its results grains, in completion order or in input order.</summary>
/// <param name="grains">The grain factory.</param>
/// <param name="jobId">The job.</param>
/// <param name="store">The job activation's writes (which results are stored so far).</param>
internal sealed class JobResultReader(IGrainFactory grains, string jobId, JobStore store)
{
    /// <summary>Results with sequence numbers <paramref name="from"/> to <paramref name="end"/> (exclusive), read per results grain.</summary>
    public async Task<ImmutableArray<RunResult>> ReadAsync(int from, int end)
    {
        var page = ImmutableArray.CreateBuilder<RunResult>(Math.Max(0, end - from));
        foreach (var segment in ResultPaging.Segments(from, end, JobResultsGrain.Size))
        {
            page.AddRange(await grains.JobResults(jobId, segment.Grain).ReadAsync(segment.Offset, segment.Count));
        }

        return page.ToImmutable();
    }

    /// <summary>
    /// One chunk's worth of results in input order from input position <paramref name="from"/>: the chunk's completion
    /// marks, then the stored results they point at, read per results grain.
    /// </summary>
    public async Task<ResultPage> ReadInputOrderAsync(IReadOnlyDictionary<int, int> chunkSizes, int from, int max)
    {
        var total = chunkSizes.Values.Sum();
        if (ResultPaging.Locate(chunkSizes, from, max) is not { } window)
        {
            return new ResultPage([], from, true);
        }

        var sequence = await grains.JobChunk(jobId, window.Chunk).GetSequenceNumbersAsync();
        var wanted = Enumerable.Range(window.First, window.End - window.First)
            .Select(p => sequence[p]).Where(s => JobRecovery.IsRecorded(s, store.Visible)).ToList();
        var bySeq = new Dictionary<int, RunResult>(wanted.Count);
        foreach (var group in wanted.GroupBy(s => s / JobResultsGrain.Size))
        {
            var read = await grains.JobResults(jobId, group.Key).ReadAtAsync([.. group.Select(s => s % JobResultsGrain.Size)]);
            foreach (var (seq, result) in group.Zip(read))
            {
                bySeq[seq] = result;
            }
        }

        return new ResultPage([.. wanted.Select(s => bySeq[s])], window.Next, window.Next >= total);
    }
}
