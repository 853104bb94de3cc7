using Agents.Client;
using Agents.Contracts.Jobs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Grains.Runs;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Agents.Grains.Tests;

/// <summary>
/// A finished job's runs drop their memoized steps once its results are exported (results and transcripts stay); until
/// then its keep-alive reminder waits for the retention age, and it may fire any number of times.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JobRetentionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Job_ResultsExported_RunsDropTheirStepsAndKeepResultsAndTranscripts()
    {
        const string id = "job-retention";
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 3, seed: 7);
        var problems = SyntheticProblems.Generate(20, seed: 71).ToList();
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        var drained = await fixture.Client.RunJobAsync(id, spec, problems);

        // Paged out but not acknowledged, and the retention age (a day) has not passed: the steps stay.
        var kept = await StoredRunAsync(id, problems[0].Id);
        Assert.Equal(20, drained.Count);
        Assert.NotEmpty(kept.Steps);
        Assert.False((await job.GetProgressAsync()).StepsDropped);

        var exported = await new JobClient(fixture.Client).ExportAsync(id, ResultOrder.Input, CancellationToken.None).ToListAsync();
        var progress = await Eventually.UntilAsync(job.GetProgressAsync, p => p.StepsDropped, TimeSpan.FromSeconds(30), "the runs' steps dropped");

        Assert.Equal(problems.Select(p => p.Id), exported.Select(r => r.ProblemId));
        Assert.Equal((20, JobStates.Completed, (string?)null), (progress.Completed, progress.State, progress.Fault));
        foreach (var problem in problems)
        {
            var run = await StoredRunAsync(id, problem.Id);
            Assert.Empty(run.Steps);
            Assert.Equal(drained.Single(r => r.ProblemId == problem.Id).Answer, run.Result?.Answer);
            Assert.NotEmpty(run.Transcript);
        }

        // Nothing is left to drop, and the results read the same as before.
        Assert.Equal(0, await fixture.Client.GetGrain<Agents.Contracts.Runs.IProblemRunGrain>($"{id}/{problems[0].Id}").DropStepsAsync());
        Assert.Equal(
            drained.OrderBy(r => r.ProblemId).Select(r => (r.ProblemId, r.Answer)),
            (await job.DrainAsync()).OrderBy(r => r.ProblemId).Select(r => (r.ProblemId, r.Answer)));
    }

    [Fact]
    public async Task Job_FinishedNotExported_ReminderPutOffToTheRetentionAge_DroppedOnceTheStepsAre()
    {
        const string id = "job-retention-reminder";
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        await fixture.Client.RunJobAsync(id, StrategyDefaults.Create(StrategyNames.Cot, seed: 5), [.. SyntheticProblems.Generate(4, seed: 75)]);
        var retainedUntil = ((await StoredJobAsync(id)).FinishedAt!.Value + TimeSpan.FromDays(1)).UtcDateTime;

        // Finished, steps kept for the retention age (a day): the reminder fires first then, not every minute until then.
        var deferred = await Eventually.UntilAsync(
            () => reminders.ReadRow(job.GetGrainId(), "pump"), r => r is not null && r.StartAt > retainedUntil.AddMinutes(-1),
            TimeSpan.FromSeconds(30), "the job's reminder put off to the retention age");
        Assert.NotNull(deferred);
        Assert.InRange(deferred.StartAt, retainedUntil.AddSeconds(-5), retainedUntil.AddSeconds(5));
        Assert.Equal(TimeSpan.FromMinutes(1), deferred.Period);

        // Exported: the runs drop their steps now, and nothing is left to wake the job for.
        await new JobClient(fixture.Client).ExportAsync(id, ResultOrder.Input, CancellationToken.None).ToListAsync();
        await Eventually.UntilAsync(job.GetProgressAsync, p => p.StepsDropped, TimeSpan.FromSeconds(30), "the runs' steps dropped");
        await Eventually.UntilAsync(
            () => reminders.ReadRow(job.GetGrainId(), "pump"), r => r is null, TimeSpan.FromSeconds(30), "the job's reminder dropped");
    }

    [Fact]
    public async Task Job_KeepAliveReminderFiresTwiceMidRunAndAfter_CompletesEachProblemOnce()
    {
        const string id = "job-reminder-twice";
        var job = fixture.Client.GetGrain<IBatchJobGrain>(id);
        var problems = SyntheticProblems.Generate(200, seed: 73).ToList();
        await job.CreateAsync(new JobSpec(id, StrategyDefaults.Create(StrategyNames.Cot, seed: 3), Concurrency: 4, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);
        await job.StartAsync();

        // A reminder tick delivered twice (a store that lost the tick's record fires it again) only wakes the driver.
        await FireReminderTwiceAsync(job);
        var results = await job.DrainAsync();
        await FireReminderTwiceAsync(job);
        var progress = await job.GetProgressAsync();

        Assert.Equal(problems.Select(p => p.Id).Order(), results.Select(r => r.ProblemId).Order());
        Assert.Equal((200, 0, JobStates.Completed), (progress.Completed, progress.InFlight, progress.State));
        Assert.Equal(200, (await job.DrainAsync()).Count);
    }

    private static async Task FireReminderTwiceAsync(IBatchJobGrain job)
    {
        var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow);
        await job.AsReference<IRemindable>().ReceiveReminder("pump", tick);
        await job.AsReference<IRemindable>().ReceiveReminder("pump", tick);
    }

    // What storage holds for a job.
    private async Task<BatchJobState> StoredJobAsync(string jobId)
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Agents);
        var stored = new GrainState<BatchJobState>();
        await storage.ReadStateAsync("job", fixture.Client.GetGrain<IBatchJobGrain>(jobId).GetGrainId(), stored);
        return stored.State ?? new BatchJobState();
    }

    // What storage holds for a run (not what an activation has in memory).
    private async Task<ProblemRunState> StoredRunAsync(string jobId, string problemId)
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Agents);
        var stored = new GrainState<ProblemRunState>();
        await storage.ReadStateAsync("run", fixture.Client.GetGrain<Agents.Contracts.Runs.IProblemRunGrain>($"{jobId}/{problemId}").GetGrainId(), stored);
        return stored.State ?? new ProblemRunState();
    }
}
