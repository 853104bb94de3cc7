using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Testing;

namespace Agents.Grains.Tests;

/// <summary>Runs a batch job on the test cluster and collects its results, as the CLI's poll loop does.</summary>
internal static class JobTestExtensions
{
    /// <summary>Creates, uploads and starts a job, then drains it.</summary>
    public static async Task<List<RunResult>> RunJobAsync(this IClusterClient client, string id, StrategySpec spec, IReadOnlyList<Problem> problems, int concurrency = 8)
    {
        var job = client.GetGrain<IBatchJobGrain>(id);
        await job.CreateAsync(new JobSpec(id, spec, concurrency, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);
        await job.StartAsync();
        return await job.DrainAsync();
    }

    /// <summary>Pages every result out until the job reports it is finished (bounded in time).</summary>
    public static async Task<List<RunResult>> DrainAsync(this IBatchJobGrain job)
    {
        var results = new List<RunResult>();
        var next = 0;
        await Eventually.UntilAsync(async () =>
        {
            var page = await job.GetResultsAsync(next, 50);
            results.AddRange(page.Results);
            next = page.Next;
            return page.Finished;
        }, TimeSpan.FromSeconds(120), "the job's last result page", TimeSpan.FromMilliseconds(20));
        return results;
    }
}
