using Agents.Core.Jobs;

namespace Agents.Grains.Jobs;

/// <summary>
/// Removes a deleted job's parts from storage: per upload chunk its problems' run grains (memoized steps, results and
/// transcripts), then the chunk itself; then the results grains that hold its results in completion order. Also drops
/// the memoized steps of a finished job's runs (<see cref="JobRetention"/>).
/// </summary>
internal static class JobDeletion
{
    // Run grains cleared at once: enough to hide latency, few enough not to flood storage.
    private const int RunBatch = 64;

    /// <summary>Asks every run of the job to drop its memoized steps; returns how many steps were dropped.</summary>
    public static async Task<int> DropRunStepsAsync(IGrainFactory grains, string jobId, IEnumerable<int> chunks)
    {
        var dropped = 0;
        foreach (var index in chunks.Order())
        {
            var view = await grains.JobChunk(jobId, index).LoadAsync(0);
            foreach (var batch in view.Problems.Chunk(RunBatch))
            {
                dropped += (await Task.WhenAll(batch.Select(p => grains.GetGrain<IProblemRunGrain>($"{jobId}/{p.Id}").DropStepsAsync()))).Sum();
            }
        }

        return dropped;
    }

    public static async Task ClearPartsAsync(IGrainFactory grains, string jobId, BatchJobState job)
    {
        foreach (var index in job.Chunks.Keys.Order())
        {
            var chunk = grains.JobChunk(jobId, index);
            var view = await chunk.LoadAsync(0);
            foreach (var batch in view.Problems.Chunk(RunBatch))
            {
                await Task.WhenAll(batch.Select(p => grains.GetGrain<IProblemRunGrain>($"{jobId}/{p.Id}").ClearAsync()));
            }

            await chunk.ClearAsync();
        }

        // A lost activation may have written past the recorded count, but never past one result per problem.
        var results = Math.Max(job.Chunks.Values.Sum(), job.ResultCount);
        for (var n = 0; n * JobResultsGrain.Size < results; n++)
        {
            await grains.JobResults(jobId, n).ClearAsync();
        }
    }
}
