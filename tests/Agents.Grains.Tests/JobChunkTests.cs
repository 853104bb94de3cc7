using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit.Abstractions;
using Agents.Testing;

namespace Agents.Grains.Tests;

/// <summary>A batch job keeps its own state small: problems, marks and results live in chunk grains.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobChunkTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Job_StoredState_StaysTheSameSizeForTwentyTimesTheProblems()
    {
        var spec = StrategyDefaults.Create(StrategyNames.Cot, seed: 2);
        var small = await RunAsync("job-size-30", spec, [.. SyntheticProblems.Generate(30, seed: 31)], chunkSize: 100);
        var large = await RunAsync("job-size-600", spec, [.. SyntheticProblems.Generate(600, seed: 32)], chunkSize: 100);

        var smallBytes = await StoredJobBytesAsync("job-size-30");
        var largeBytes = await StoredJobBytesAsync("job-size-600");
        output.WriteLine($"figure: stored job state {smallBytes} B for 30 problems, {largeBytes} B for 600 problems");

        Assert.Equal(30, small.Count);
        Assert.Equal(600, large.Count);
        Assert.InRange(largeBytes, 1, 2048);
        // Six chunk sizes instead of one: a few bytes more, not 20 times as much.
        Assert.InRange(largeBytes - smallBytes, 0, 200);
        // The results are in ceil(600 / 256) results grains, in completion order.
        var third = await fixture.Client.GetGrain<IJobResultsGrain>("job-size-600/2").ReadAsync(0, 1000);
        Assert.Equal(600 - (2 * JobResultsGrain.Size), third.Length);
        Assert.Equal(large.Skip(2 * JobResultsGrain.Size).Select(r => r.ProblemId), third.Select(r => r.ProblemId));
    }

    [Fact]
    public async Task Job_DeactivatedMidRun_ExportsEachResultOnceInInputAndCompletionOrder()
    {
        const int total = 3000;
        var problems = SyntheticProblems.Generate(total, seed: 33).ToList();
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-reactivate");
        await job.CreateAsync(new JobSpec("job-reactivate", StrategyDefaults.Create(StrategyNames.Cot, seed: 3), Concurrency: 8, MaxAttempts: 2));
        for (var i = 0; i * 400 < total; i++)
        {
            await job.AddProblemsAsync(i, [.. problems.Skip(i * 400).Take(400)]);
        }

        await job.StartAsync();
        var progress = await Eventually.UntilAsync(job.GetProgressAsync, p => p.Completed >= 50, TimeSpan.FromSeconds(60), "50 results before the deactivation", TimeSpan.FromMilliseconds(20));

        await fixture.Cluster.DeactivateAsync(job);
        var completion = await job.DrainAsync();
        var byInput = new List<RunResult>();
        for (var next = 0; ;)
        {
            var page = await job.GetResultsInInputOrderAsync(next, 700);
            byInput.AddRange(page.Results);
            next = page.Next;
            if (page.Finished)
            {
                break;
            }
        }

        output.WriteLine($"figure: deactivated at {progress.Completed}/{total} recorded");
        Assert.InRange(progress.Completed, 50, total - 1);
        Assert.Equal(problems.Select(p => p.Id), byInput.Select(r => r.ProblemId));
        Assert.Equal(total, completion.Count);
        Assert.Equal(total, completion.Select(r => r.ProblemId).Distinct().Count());
        var after = await job.GetProgressAsync();
        Assert.Equal((total, total, 0, "completed"), (after.Total, after.Completed, after.InFlight, after.State));
        Assert.Equal(completion.Count(r => r.Correct == true), after.Correct);
    }

    [Fact]
    public async Task Job_RejectedRows_AreCountedOnceAndTheFirstThousandKept()
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>("job-rejected");
        await job.CreateAsync(new JobSpec("job-rejected", StrategyDefaults.Create(StrategyNames.Cot), Concurrency: 2, MaxAttempts: 1));
        var rows = Enumerable.Range(1, 1500).Select(i => new RejectedRow("in.jsonl", i, $"row {i}: missing question")).ToList();

        await job.AddRejectedAsync(0, [.. rows.Take(1000)]);
        await job.AddRejectedAsync(1, [.. rows.Skip(1000)]);
        await job.AddRejectedAsync(1, [.. rows.Skip(1000)]);
        await fixture.Cluster.DeactivateAsync(job);

        var progress = await job.GetProgressAsync();
        Assert.Equal(1500, progress.Rejected);
        Assert.Equal(["in.jsonl:1: row 1: missing question", "in.jsonl:2: row 2: missing question"], progress.RejectedFirst.Take(2).Select(r => r.ToString()));
        Assert.Equal(5, progress.RejectedFirst.Length);
        var kept = await job.GetRejectedAsync(5000);
        Assert.Equal(BatchJobGrain.MaxRejectedKept, kept.Length);
        Assert.Equal(1000, kept[^1].Line);
    }

    private async Task<List<RunResult>> RunAsync(string id, StrategySpec spec, IReadOnlyList<Problem> problems, int chunkSize)
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        await job.CreateAsync(new JobSpec(id, spec, Concurrency: 8, MaxAttempts: 2));
        for (var i = 0; i * chunkSize < problems.Count; i++)
        {
            await job.AddProblemsAsync(i, [.. problems.Skip(i * chunkSize).Take(chunkSize)]);
        }

        await job.StartAsync();
        return await job.DrainAsync();
    }

    // Reads what the job grain stored, as a silo would on activation, and measures its serialized size.
    private async Task<int> StoredJobBytesAsync(string id)
    {
        var services = fixture.Cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Agents);
        var stored = new GrainState<BatchJobState>();
        await storage.ReadStateAsync("job", fixture.Client.GetGrain<IBatchJobGrain>(id).GetGrainId(), stored);
        var state = Assert.IsType<BatchJobState>(stored.State);
        Assert.NotNull(state.Spec);
        return services.GetRequiredService<Serializer>().SerializeToArray(state).Length;
    }
}
