using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Hosting;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>
/// The whole machine goes down: every silo, Redis (its AOF on a data directory, appendfsync everysec) and the attached
/// client are killed with kill -9 in the middle of a batch and of a league round. The user runs deploy/local/start.sh
/// again and reruns the same commands: the batch re-attaches and completes with every id once, the league finishes
/// with every game key once.
/// </summary>
public sealed class KillEverythingTests(ITestOutputHelper output) : IDisposable
{
    // Scaled down from a 30,000-problem run (like the Redis fault tests) so the test stays within a couple of minutes on
    // two cores; the kill lands at about a fifth of the batch. Four runs at a time keep the batch at about six seconds
    // (a call takes about 40 ms), so the kill that follows the fifth result lands seconds before the end: with 32 at a
    // time the whole batch took under a second and was once complete by the time the kill came.
    private const int Problems = 600;
    private const int GamesPerRound = 30;
    private const string League = "kill-all";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-killall-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task BatchAndLeague_EverySiloAndRedisKilled_StartShAgainAndRerun_EveryIdAndGameKeyOnce()
    {
        // The simulated model answers at a server-like pace (silos read it from the environment start.sh passes on).
        await using var cluster = LocalCluster.Create(Path.Combine(_dir.FullName, "state"), silos: 2,
            new Dictionary<string, string> { ["Agents__Simulation__Latency__DecodeTokensPerSecond"] = "3000" });
        output.WriteLine(await cluster.StartAsync());
        var client = cluster.ClientEnvironment;
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(Problems, seed: 37)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        string[] batchCommand = ["batch", "--input", input, "--strategy", "cot", "--output", results, "--cluster", cluster.Conn, "--job", "job-kill-all", "--concurrency", "4"];
        string[] leagueCommand = ["selfplay", "start", "--league", League, "--games-per-round", GamesPerRound.ToString(CultureInfo.InvariantCulture), "--rounds", "2", "--concurrency", "2", "--cluster", cluster.Conn];

        var started = await CliProcess.RunAsync(client, TimeSpan.FromMinutes(2), leagueCommand);
        Assert.True(started.Exit == ExitCodes.Ok, started.Text);
        var firstText = new StringBuilder();
        System.Diagnostics.Process first;
        LeagueStatus beforeKill;
        using (var observer = await ObserverAsync(cluster))
        {
            // The league has played games before the batch starts, so the kill lands mid-batch and mid-round whichever
            // of the two runs faster (waiting for both after starting the batch let a fast batch finish first).
            var league = observer.ClusterClient().GetGrain<ILeagueGrain>(League);
            await WaitAsync(league, s => s.Rounds.Sum(r => r.Games) >= 3, TimeSpan.FromMinutes(2));
            first = CliProcess.Start(client, firstText, batchCommand);
            await Eventually.TrueAsync(() => Lines(results) >= Problems / 5 || first.HasExited, TimeSpan.FromMinutes(2), "a fifth of the batch's results");
            beforeKill = await league.GetStatusAsync();
        }

        using var batchProcess = first;

        // Everything at once: silos and Redis (pid files of start.sh), then the attached client.
        var killed = cluster.KillAll();
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        var atKill = OutputFile.ReadAndRepair(results).Count;
        var gamesAtKill = beforeKill.Rounds.Sum(r => r.Games);

        var clock = Stopwatch.StartNew();
        output.WriteLine(await cluster.StartAsync());
        var restartSeconds = clock.Elapsed.TotalSeconds;
        var leagueAgain = await CliProcess.RunAsync(client, TimeSpan.FromMinutes(2), leagueCommand);
        var batch = await CliProcess.RunAsync(client, TimeSpan.FromMinutes(5), batchCommand);
        output.WriteLine(batch.Text);
        output.WriteLine(leagueAgain.Text);

        LeagueStatus finished;
        using (var observer = await ObserverAsync(cluster))
        {
            var league = observer.ClusterClient().GetGrain<ILeagueGrain>(League);
            finished = await WaitAsync(league, s => s.State == LeagueStates.Completed, TimeSpan.FromMinutes(3));
        }

        var keys = new List<string>();
        foreach (var round in new[] { 1, 2 })
        {
            var file = Path.Combine(_dir.FullName, $"league.r{round}.jsonl");
            var export = await CliProcess.RunAsync(client, TimeSpan.FromMinutes(2),
                "selfplay", "export", "--league", League, "--round", round.ToString(CultureInfo.InvariantCulture), "--format", "raw", "--output", file, "--cluster", cluster.Conn);
            Assert.True(export.Exit == ExitCodes.Ok, export.Text);
            keys.AddRange(File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()!));
        }

        var rows = OutputFile.ReadAndRepair(results);
        var distinct = rows.Select(r => r.Id).Distinct().Count();
        output.WriteLine(
            $"figure: kill everything (kill -9 of {killed} processes: 2 silos + redis on its AOF, and the attached client) at {atKill}/{Problems} results, " +
            $"start.sh again in {restartSeconds:0.0} s, same batch command rerun: rows {rows.Count}, lost {Problems - distinct}, duplicated {rows.Count - distinct}, " +
            $"failed {rows.Count(r => r.Status != "ok")}");
        output.WriteLine(
            $"figure: kill everything mid-round: league at {gamesAtKill} games of round {beforeKill.Round} ({GamesPerRound} per round, 2 rounds), " +
            $"after start.sh again: {finished.State}, rounds closed {finished.Rounds.Count(r => r.Closed)}, game keys {keys.Count}, duplicated {keys.Count - keys.Distinct().Count()}, " +
            $"games counted {finished.Rounds.Sum(r => r.Games)}");

        Assert.Equal(3, killed);
        Assert.InRange(atKill, 1, Problems - 1);
        Assert.True(gamesAtKill < 2 * GamesPerRound, $"the league had {gamesAtKill} games when everything was killed");
        Assert.True(leagueAgain.Exit == ExitCodes.Ok, leagueAgain.Text);
        Assert.True(batch.Exit == ExitCodes.Ok, batch.Text + cluster.Logs());
        Assert.Equal(Problems, distinct);
        Assert.Equal(Problems, rows.Count);
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Equal(LeagueStates.Completed, finished.State);
        Assert.All(finished.Rounds, r => Assert.Equal(GamesPerRound, r.ValidGames));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(finished.Rounds.Sum(r => r.Games), keys.Count);
    }

    private static int Lines(string file)
    {
        if (!File.Exists(file))
        {
            return 0;
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var count = 0;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            count += b == '\n' ? 1 : 0;
        }

        return count;
    }

    // The test's own window on the league (status polls); the commands under test run as `agents` processes. It holds
    // the password the way a client does (from run/env), given directly rather than through this process's environment.
    private static async Task<IHost> ObserverAsync(LocalCluster cluster)
    {
        var redis = ConfigurationOptions.Parse(AgentsClusterOptions.ToEndpoint(cluster.Conn));
        redis.Password = cluster.ClientEnvironment[AgentsClusterOptions.RedisPasswordVariable];
        redis.AbortOnConnectFail = false;
        return await ClusterClientHost.StartAsync(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "agents";
                o.ServiceId = "agents";
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = redis);
        });
    }

    // Status calls may fail while silos come up; ask again.
    private static Task<LeagueStatus> WaitAsync(ILeagueGrain league, Func<LeagueStatus, bool> done, TimeSpan limit) =>
        Eventually.UntilAnsweredAsync(league.GetStatusAsync, done, limit, "league state", TimeSpan.FromMilliseconds(200));
}
