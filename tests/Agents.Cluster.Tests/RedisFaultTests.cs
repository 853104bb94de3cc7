using System.Diagnostics;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>
/// The cluster's store fails under a running batch: Redis killed and restarted on its append-only file, or stopped for
/// 20 s. Real processes: a durable redis-server, two silos, a model server; the batch client stays attached throughout.
/// </summary>
public sealed class RedisFaultTests(ITestOutputHelper output) : IDisposable
{
    // Scaled down from a 30,000-problem run so each test stays well under a minute on two cores; the kill lands at
    // about a fifth of the batch either way.
    private const int Problems = 600;
    private const int Concurrency = 32;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-redisfault-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task ClusterBatch_RedisKilledAndRestartedOnItsData_CompletesWithEveryIdOnce()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir.FullName, "redis-data")).FullName;
        var redis = await RedisServer.StartDurableAsync(data);
        await using var world = await WorldAsync(redis);
        var (batch, results, text) = StartBatch(world, "job-redis-kill");
        await Eventually.TrueAsync(() => Lines(results) >= Problems / 5 || batch.IsCompleted, TimeSpan.FromSeconds(60), "a fifth of the results");
        var atKill = Lines(results);

        redis.Kill();
        var stopwatch = Stopwatch.StartNew();
        await using var restarted = await redis.RestartAsync();
        var down = stopwatch.Elapsed;
        var exit = await batch.WaitAsync(TimeSpan.FromMinutes(3));

        var rows = OutputFile.ReadAndRepair(results);
        output.WriteLine(text.ToString());
        output.WriteLine(
            $"figure: redis kill -9 at {atKill}/{Problems} results, restarted on its AOF after {down.TotalSeconds:0.0} s: " +
            $"rows {rows.Count}, lost {Problems - rows.Select(r => r.Id).Distinct().Count()}, duplicated {rows.Count - rows.Select(r => r.Id).Distinct().Count()}, " +
            $"failed {rows.Count(r => r.Status != "ok")}, silos alive {world.Silos.Count(s => !s.HasExited)}/2");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.InRange(atKill, 1, Problems - 1);
        Assert.Equal(Problems, rows.Count);
        Assert.Equal(Problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.All(world.Silos, s => Assert.False(s.HasExited, $"silo {s.Name} exited:\n{s.Log}"));
    }

    [RedisFact]
    public async Task ClusterBatch_RedisStoppedFor20Seconds_NoSiloExitsAndTheBatchCompletes()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir.FullName, "redis-data")).FullName;
        await using var redis = await RedisServer.StartDurableAsync(data);
        await using var world = await WorldAsync(redis);
        var (batch, results, text) = StartBatch(world, "job-redis-stop");
        await Eventually.TrueAsync(() => Lines(results) >= Problems / 5 || batch.IsCompleted, TimeSpan.FromSeconds(60), "a fifth of the results");
        var atStop = Lines(results);

        await redis.StopAsync();
        // The scenario itself is "Redis gone for 20 s": the outage is held through the one polling helper until it has
        // lasted that long; nothing here guesses how long the cluster needs.
        var outage = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.UntilAsync(() => outage.Elapsed >= TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), "a 20 s Redis outage");
        var duringOutage = Lines(results);
        await redis.ContinueAsync();
        var exit = await batch.WaitAsync(TimeSpan.FromMinutes(3));

        var rows = OutputFile.ReadAndRepair(results);
        output.WriteLine(text.ToString());
        output.WriteLine(
            $"figure: redis stopped 20 s at {atStop}/{Problems} results ({duringOutage} by its end): rows {rows.Count}, " +
            $"lost {Problems - rows.Select(r => r.Id).Distinct().Count()}, duplicated {rows.Count - rows.Select(r => r.Id).Distinct().Count()}, " +
            $"failed {rows.Count(r => r.Status != "ok")}, silos alive {world.Silos.Count(s => !s.HasExited)}/2");
        output.WriteLine($"first failure: {rows.FirstOrDefault(r => r.Status != "ok")?.Error ?? "none"}");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.All(world.Silos, s => Assert.False(s.HasExited, $"silo {s.Name} exited:\n{s.Log}"));
        Assert.Equal(Problems, rows.Count);
        Assert.Equal(Problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
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

    private (Task<int> Batch, string Results, StringWriter Text) StartBatch(World world, string job)
    {
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        File.WriteAllLines(input, SyntheticProblems.Generate(Problems, seed: 31)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "cot", results, Model: world.Server.ModelSpec, Concurrency: Concurrency,
            Cluster: $"redis://{world.Redis.Endpoint}", JobId: job);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });
        return (new BatchRunner(console, text).RunAsync(settings, CancellationToken.None), results, text);
    }

    // Two silos and a model server whose requests take time, so the store fails while runs are in flight.
    private static async Task<World> WorldAsync(RedisServer redis)
    {
        var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 3000 });
        var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create(latency: latency));
        var cpu = new Dictionary<string, string> { ["role"] = "cpu" };
        string[] settings = [SiloProcess.ListModel(server.ModelSpec)];
        var a = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", cpu, settings);
        var b = await SiloProcess.StartAsync("b", redis.Endpoint, "agents", cpu, settings);
        return new World(redis, latency, server, [a, b]);
    }

    private sealed record World(RedisServer Redis, SimulatedLatency Latency, SimServer Server, IReadOnlyList<SiloProcess> Silos) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var silo in Silos)
            {
                await silo.DisposeAsync();
            }

            await Server.DisposeAsync();
            Latency.Dispose();
            await Redis.DisposeAsync();
        }
    }
}
