using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.Cluster;
using Agents.Core.Simulation;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>Cluster mode end to end: a real redis-server, two real silo processes and the CLI as a client.</summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Batch_OnRedisClusterWithTwoSiloProcesses_RunsOnBothSilosAndResumes()
    {
        await using var redis = await RedisServer.StartAsync();
        // Each test starts its own redis-server, so the default cluster id cannot meet stale members.
        const string clusterId = "agents";
        await using var siloA = await SiloProcess.StartAsync("a", redis.Endpoint, clusterId, new Dictionary<string, string> { ["role"] = "cpu" });
        await using var siloB = await SiloProcess.StartAsync("b", redis.Endpoint, clusterId, new Dictionary<string, string> { ["role"] = "cpu", ["zone"] = "b" });

        var dir = Directory.CreateTempSubdirectory("agents-cluster-");
        var input = Path.Combine(dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(60, seed: 11)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "sc", results, K: 3, Concurrency: 8, Cluster: $"redis://{redis.Endpoint}", JobId: "job-it");
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });

        var exit = await new BatchRunner(console, text).RunAsync(settings, CancellationToken.None);
        output.WriteLine(text.ToString());

        Assert.Equal(ExitCodes.Ok, exit);
        var rows = OutputFile.ReadAndRepair(results);
        Assert.Equal(60, rows.Count);
        Assert.Equal(60, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Equal(2, rows.Select(r => r.Silo).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(3, r.Samples));

        var summary = JsonDocument.Parse(await File.ReadAllTextAsync(ResumableOutput.SidePath(results, ".summary.json"))).RootElement;
        Assert.Equal("cluster", summary.GetProperty("mode").GetString());

        var again = await new BatchRunner(console, text).RunAsync(settings, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, again);
        Assert.Equal(60, OutputFile.ReadAndRepair(results).Count);
        summary = JsonDocument.Parse(await File.ReadAllTextAsync(ResumableOutput.SidePath(results, ".summary.json"))).RootElement;
        Assert.Equal(0, summary.GetProperty("new_runs").GetInt32());

        var silos = await ClusterStatusAsync(redis.Endpoint, clusterId);
        Assert.Equal(2, silos.Length);
        Assert.All(silos, s => Assert.Equal("cpu", s.Metadata["role"]));
        Assert.Contains(silos, s => s.Metadata.GetValueOrDefault("zone") == "b");
    }

    private static async Task<System.Collections.Immutable.ImmutableArray<SiloInfo>> ClusterStatusAsync(string redis, string clusterId)
    {
        using var host = await ClusterClientHost.StartAsync(redis, clusterId);
        var silos = await host.ClusterClient().GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
        await host.StopAsync();
        return silos;
    }
}
