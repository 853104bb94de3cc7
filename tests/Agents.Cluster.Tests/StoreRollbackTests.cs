using Agents.Client;
using Agents.Contracts.Jobs;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Grains.Jobs;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>
/// The store goes back behind a running silo: every grain state key of a real redis-server is put back to a copy taken
/// earlier (what a restart of an <c>appendfsync everysec</c> Redis or a restore from backup leaves), while the silo
/// keeps the newer state in memory. Its next writes conflict on their ETags; the job and the league reload, reconcile
/// and finish with every result and every game exactly once.
/// </summary>
public sealed class StoreRollbackTests(ITestOutputHelper output)
{
    // The simulated model answers at a server-like pace, so the copy and the rollback land mid-run.
    private static readonly string[] Slow = ["--Agents:Simulation:Latency:DecodeTokensPerSecond=1000"];
    private static readonly Dictionary<string, string> Cpu = new() { ["role"] = "cpu" };

    [RedisFact]
    public async Task Job_StoreRolledBackMidBatch_ReloadsAndCompletesWithEveryIdOnce()
    {
        const int problems = 120;
        await using var redis = await RedisServer.StartAsync();
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", Cpu, Slow);
        using var host = await ClusterClientHost.StartAsync(redis.Endpoint);
        var jobs = new JobClient(host.ClusterClient());
        var spec = new JobSpec("job-rollback", StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 3), Concurrency: 4, MaxAttempts: 2);
        await jobs.UploadAsync(spec, [.. SyntheticProblems.Generate(problems, seed: 23)], []);

        var atCopy = await ProgressAsync(jobs, spec.JobId, p => p.Completed >= problems / 4);
        var copy = await RedisSnapshot.TakeAsync(redis.Endpoint, "*/state/*");
        var atRollback = await ProgressAsync(jobs, spec.JobId, p => p.Completed >= atCopy.Completed + (problems / 4));
        var dropped = await copy.RestoreAsync();
        var faults = new List<string>();
        var done = await ProgressAsync(jobs, spec.JobId, p =>
        {
            if (p.Fault is { } fault && (faults.Count == 0 || faults[^1] != fault))
            {
                faults.Add(fault);
            }

            return p.State == JobStates.Completed;
        }, TimeSpan.FromMinutes(3));
        var results = await jobs.ExportAsync(spec.JobId, ResultOrder.Completion, CancellationToken.None).ToListAsync();

        var ids = results.Select(r => r.ProblemId).ToList();
        output.WriteLine(
            $"figure: store rolled back from {atRollback.Completed} to {atCopy.Completed}/{problems} results ({copy.Count} keys put back, {dropped} newer keys dropped): " +
            $"job completed with {done.Completed} results, exported {ids.Count}, lost {problems - ids.Distinct().Count()}, duplicated {ids.Count - ids.Distinct().Count()}, failed {results.Count(r => r.Status != "ok")}");
        output.WriteLine($"faults shown in status: {string.Join(" | ", faults)}");
        Assert.True(atRollback.Completed < problems, "the job finished before the rollback");
        Assert.Equal(problems, done.Completed);
        Assert.Equal(problems, ids.Count);
        Assert.Equal(problems, ids.Distinct().Count());
        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.Contains(faults, f => f.Contains("InconsistentStateException", StringComparison.Ordinal));
        Assert.Contains("the store went back behind this activation", silo.Log, StringComparison.Ordinal);
        Assert.False(silo.HasExited);
    }

    [RedisFact]
    public async Task League_StoreRolledBackMidRound_ReloadsAndCompletesWithEveryGameOnce()
    {
        const int gamesPerRound = 20;
        await using var redis = await RedisServer.StartAsync();
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", Cpu, Slow);
        using var host = await ClusterClientHost.StartAsync(redis.Endpoint);
        var league = host.ClusterClient().GetGrain<ILeagueGrain>("rollback");
        await league.StartAsync(new LeagueSpec("rollback", gamesPerRound, 2, 2, "", "", "", 3));

        var atCopy = await StatusAsync(league, s => s.Rounds.Sum(r => r.Games) >= 4, TimeSpan.FromSeconds(60));
        var copy = await RedisSnapshot.TakeAsync(redis.Endpoint, "*/state/*");
        var atRollback = await StatusAsync(league, s => s.Rounds.Sum(r => r.Games) >= atCopy.Rounds.Sum(r => r.Games) + 6, TimeSpan.FromSeconds(60));
        await copy.RestoreAsync();
        var faults = new List<string>();
        var done = await StatusAsync(league, s =>
        {
            if (s.Fault is { } fault && !faults.Contains(fault))
            {
                faults.Add(fault);
            }

            return s.State == LeagueStates.Completed;
        }, TimeSpan.FromMinutes(3));

        var keys = new List<string>();
        foreach (var round in new[] { 1, 2 })
        {
            for (var chunk = 0; ;)
            {
                var page = await league.ExportAsync(round, chunk);
                keys.AddRange(page.Records.Select(g => g.Key));
                chunk = page.NextChunk;
                if (page.Finished)
                {
                    break;
                }
            }
        }

        output.WriteLine(
            $"figure: league store rolled back from {atRollback.Rounds.Sum(r => r.Games)} to {atCopy.Rounds.Sum(r => r.Games)} games: " +
            $"completed with {done.Rounds.Sum(r => r.Games)} games recorded, exported {keys.Count}, duplicated {keys.Count - keys.Distinct().Count()}");
        output.WriteLine($"faults shown in status: {string.Join(" | ", faults)}");
        Assert.NotEqual(LeagueStates.Completed, atRollback.State);
        Assert.Equal(2, done.Rounds.Length);
        Assert.All(done.Rounds, r => Assert.Equal(gamesPerRound, r.ValidGames));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(done.Rounds.Sum(r => r.Games), keys.Count);
        Assert.Contains(faults, f => f.Contains("InconsistentStateException", StringComparison.Ordinal));
        Assert.Contains("the store went back behind this activation", silo.Log, StringComparison.Ordinal);
        Assert.False(silo.HasExited);
    }


    private static async Task<JobProgress> ProgressAsync(JobClient jobs, string jobId, Func<JobProgress, bool> done, TimeSpan? limit = null) =>
        (await Eventually.UntilAsync(() => jobs.GetProgressAsync(jobId), p => p is not null && done(p), limit ?? TimeSpan.FromSeconds(60),
            $"job {jobId} progress", TimeSpan.FromMilliseconds(50)))!;

    // A call that lands while the league reloads may fail (its activation is being replaced); the next one is answered.
    private static Task<LeagueStatus> StatusAsync(ILeagueGrain league, Func<LeagueStatus, bool> done, TimeSpan limit) =>
        Eventually.UntilAnsweredAsync(league.GetStatusAsync, done, limit, "league state", TimeSpan.FromMilliseconds(50));
}
