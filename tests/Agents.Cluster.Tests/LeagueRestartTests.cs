using Agents.Contracts.SelfPlay;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agents.Cluster.Tests;

/// <summary>A self-play league survives a restart of every silo: Redis holds its state, games, reminders and record chunks.</summary>
public sealed class LeagueRestartTests
{
    [RedisFact]
    public async Task League_EverySiloRestartedMidRound_ResumesWithNoGapsAndNoDuplicates()
    {
        const int gamesPerRound = 30;
        await using var redis = await RedisServer.StartAsync();
        var first = new[]
        {
            await SiloProcess.StartAsync("a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" }, Slow),
            await SiloProcess.StartAsync("b", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" }, Slow),
        };
        using var host = await ClusterClientHost.StartAsync(redis.Endpoint);
        var league = host.ClusterClient().GetGrain<ILeagueGrain>("restart");
        await league.StartAsync(new LeagueSpec("restart", gamesPerRound, 2, 2, "", "", "", 3));
        var before = await WaitAsync(league, s => s.Rounds.Any(r => r.Games >= 3), TimeSpan.FromSeconds(60));

        // Every silo goes down (gracefully, as in a rolling redeploy gone wrong: all at once); nothing survives in memory.
        await Task.WhenAll(first.Select(silo => silo.StopAsync(TimeSpan.FromSeconds(30))));
        var atStop = before.Rounds.Sum(r => r.Games);
        foreach (var silo in first)
        {
            await silo.DisposeAsync();
        }

        await using var c = await SiloProcess.StartAsync("c", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" }, Slow);
        await using var d = await SiloProcess.StartAsync("d", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" }, Slow);
        var status = await WaitAsync(league, s => s.State == LeagueStates.Completed, TimeSpan.FromSeconds(150));

        Assert.True(atStop < 2 * gamesPerRound, $"the league had {atStop} games when the silos stopped");
        Assert.Equal(2, status.Rounds.Length);
        Assert.All(status.Rounds, r => Assert.Equal(gamesPerRound, r.ValidGames));
        var keys = new List<string>();
        foreach (var round in new[] { 1, 2 })
        {
            var chunk = 0;
            while (true)
            {
                var page = await league.ExportAsync(round, chunk);
                keys.AddRange(page.Records.Select(g => g.Key));
                Assert.All(page.Records, g => Assert.Equal(round, g.Round));
                chunk = page.NextChunk;
                if (page.Finished)
                {
                    break;
                }
            }
        }

        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(status.Rounds.Sum(r => r.Games), keys.Count);
    }

    // The simulated model answers at a server-like pace, so the restart lands in the middle of a round.
    private static readonly string[] Slow = ["--Agents:Simulation:Latency:DecodeTokensPerSecond=3000"];


    // A status call reactivates the league after its silos are gone (its driver starts on activation), so polling speeds up
    // the recovery the reminder would otherwise bring within a minute.
    private static Task<LeagueStatus> WaitAsync(ILeagueGrain league, Func<LeagueStatus, bool> done, TimeSpan limit) =>
        Eventually.UntilAnsweredAsync(league.GetStatusAsync, done, limit, "league state", TimeSpan.FromMilliseconds(100));
}
