using Agents.Client;
using Agents.Contracts.Jobs;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Agents.Grains.Tests;

/// <summary>Deleting a job removes its state from storage; a running job cannot be deleted.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobDeleteTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Job_DeletedAfterCompletion_ReadsAsUnknownAndARerunStartsFresh()
    {
        const string id = "job-delete";
        var spec = StrategyDefaults.Create(StrategyNames.Cot, seed: 5);
        var problems = SyntheticProblems.Generate(300, seed: 51).ToList();
        var jobs = new JobClient(fixture.Client);
        var first = await fixture.Client.RunJobAsync(id, spec, problems);
        await fixture.Client.GetGrain<IBatchJobGrain>(id).AddRejectedAsync(0, [new RejectedRow("in.jsonl", 1, "bad")]);
        Assert.Equal(300, first.Count);
        Assert.True(await ExistsAsync<JobResultsState>("job-results", fixture.Client.GetGrain<IJobResultsGrain>($"{id}/1")));

        await jobs.DeleteAsync(id);

        Assert.Null(await jobs.GetProgressAsync(id));
        Assert.False(await ExistsAsync<BatchJobState>("job", fixture.Client.GetGrain<IBatchJobGrain>(id)));
        Assert.False(await ExistsAsync<JobRejectedState>("job-rejected", fixture.Client.GetGrain<IBatchJobGrain>(id)));
        Assert.False(await ExistsAsync<JobChunkState>("job-chunk", fixture.Client.GetGrain<IJobChunkGrain>($"{id}/0")));
        Assert.False(await ExistsAsync<JobMarksState>("job-marks", fixture.Client.GetGrain<IJobChunkGrain>($"{id}/0")));
        Assert.False(await ExistsAsync<JobResultsState>("job-results", fixture.Client.GetGrain<IJobResultsGrain>($"{id}/1")));
        Assert.Null(await jobs.GetResultAsync(id, problems[0].Id));
        Assert.Empty(await jobs.GetTranscriptAsync(id, problems[^1].Id));

        // The same id with other settings is accepted: nothing of the old job is left to conflict with.
        var rerun = await fixture.Client.RunJobAsync(id, spec, problems.Take(40).ToList(), concurrency: 4);
        var progress = await jobs.GetProgressAsync(id);
        Assert.Equal(40, rerun.Count);
        Assert.Equal((40, 40, 0, JobStates.Completed), (progress!.Total, progress.Completed, progress.Rejected, progress.State));
        Assert.Equal(first.Where(r => rerun.Any(n => n.ProblemId == r.ProblemId)).Count(r => r.Correct == true), progress.Correct);
    }

    [Fact]
    public async Task Job_Running_IsNotDeleted()
    {
        const string id = "job-delete-running";
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        await job.CreateAsync(new JobSpec(id, StrategyDefaults.Create(StrategyNames.Cot, seed: 6), Concurrency: 2, MaxAttempts: 1));
        await job.AddProblemsAsync(0, [.. SyntheticProblems.Generate(2000, seed: 61)]);
        await job.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(job.DeleteAsync);

        Assert.Contains("is running; cancel it first", error.Message, StringComparison.Ordinal);
        Assert.Equal(2000, (await job.GetProgressAsync()).Total);
        await job.CancelAsync();
        await job.DrainAsync();
        await job.DeleteAsync();
        Assert.Null(await new JobClient(fixture.Client).GetProgressAsync(id));
    }

    // Whether storage holds a record of the grain's named state.
    private async Task<bool> ExistsAsync<T>(string stateName, IAddressable grain)
        where T : new()
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Agents);
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        return stored.RecordExists;
    }
}
