using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>A batch job survives a restart of every silo: it resumes from Redis and completes each problem once.</summary>
public sealed class JobRestartTests(ITestOutputHelper output)
{
    private static readonly string[] Slow = ["--Agents:Simulation:Latency:DecodeTokensPerSecond=3000"];

    [RedisFact]
    public async Task Batch_EverySiloRestartedMidBatch_ResumesFromRedisAndCompletesEachProblemOnce()
    {
        const int problems = 60;
        await using var redis = await RedisServer.StartAsync();
        var cpu = new Dictionary<string, string> { ["role"] = "cpu" };
        var first = new[]
        {
            await SiloProcess.StartAsync("a", redis.Endpoint, "agents", cpu, Slow),
            await SiloProcess.StartAsync("b", redis.Endpoint, "agents", cpu, Slow),
        };
        var dir = Directory.CreateTempSubdirectory("agents-restart-");
        var input = Path.Combine(dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(problems, seed: 19)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "sc", results, K: 4, Concurrency: 4, Cluster: $"redis://{redis.Endpoint}", JobId: "job-restart");
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });

        var batch = new BatchRunner(console, text).RunAsync(settings, CancellationToken.None);
        await Eventually.UntilAsync(() => (File.Exists(results) ? File.ReadAllLines(results).Length : 0) >= 5, TimeSpan.FromSeconds(60), "5 rows written before the restart");

        var atStop = File.ReadAllLines(results).Length;
        await Task.WhenAll(first.Select(s => s.StopAsync(TimeSpan.FromSeconds(30))));
        foreach (var silo in first)
        {
            await silo.DisposeAsync();
        }

        await using var c = await SiloProcess.StartAsync("c", redis.Endpoint, "agents", cpu, Slow);
        await using var d = await SiloProcess.StartAsync("d", redis.Endpoint, "agents", cpu, Slow);
        var exit = await batch.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(atStop < problems, $"{atStop} rows were written before the restart");
        var rows = OutputFile.ReadAndRepair(results);
        var distinct = rows.Select(r => r.Id).Distinct().Count();
        output.WriteLine($"figure: restart every silo: problems {problems}, rows before restart {atStop}, rows {rows.Count}, lost {problems - distinct}, duplicated {rows.Count - distinct}, failed {rows.Count(r => r.Status != "ok")}");
        Assert.Equal(problems, rows.Count);
        Assert.Equal(problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
    }
}
