using System.Diagnostics;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>Model backend faults under a cluster batch: a flaky server is retried through; a dead one fails runs in bounded time.</summary>
public sealed class BackendFaultTests(ITestOutputHelper output) : IDisposable
{
    // Short backoff so the retries fit a test; the silo reads these like any other configuration.
    private static readonly string[] FastRetries =
    [
        "--Agents:Models:Retry:BaseDelay=00:00:00.020",
        "--Agents:Models:Retry:MaxDelay=00:00:00.200",
    ];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-faults-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task Batch_ServerFailing30PercentWith429And500_EveryProblemCompletesAndRetriesAreCounted()
    {
        const int problems = 30;
        await using var redis = await RedisServer.StartAsync();
        await using var server = await SimServer.StartAsync(
            new SimServerOptions { Port = FreePort.Next(), FailureRate429 = 0.15, FailureRate500 = 0.15 }, SimulatedBackend.Create());
        // The silo lists the model server (a cluster runs only the models it lists).
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" }, [.. FastRetries, SiloProcess.ListModel(server.ModelSpec)]);
        var settings = new BatchSettings(
            WriteProblems(problems), "sc", Path.Combine(_dir.FullName, "r.jsonl"), Model: server.ModelSpec, K: 2, Concurrency: 8,
            Cluster: $"redis://{redis.Endpoint}", JobId: "job-flaky");

        var (exit, text) = await RunAsync(settings, TimeSpan.FromMinutes(2));

        Assert.Equal(ExitCodes.Ok, exit);
        var rows = OutputFile.ReadAndRepair(settings.Output);
        var retries = rows.Sum(r => r.Retries);
        output.WriteLine($"figure: problems {problems}, rows {rows.Count}, failed {rows.Count(r => r.Status != "ok")}, retries {retries}, server requests {server.Stats.Requests}");
        Assert.Equal(problems, rows.Count);
        Assert.Equal(problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.True(retries > 0, text);
        // Each injected failure costs exactly one retry, and each problem's one request was answered once.
        Assert.Equal(server.Stats.Faults429 + server.Stats.Faults500, retries);
        Assert.Equal(problems, server.Stats.Completed);
    }

    [RedisFact]
    public async Task Batch_ServerHolding20PercentPastTheAttemptTimeout_EveryProblemCompletesAndTimeoutsAreRetried()
    {
        const int problems = 20;
        await using var redis = await RedisServer.StartAsync();
        await using var server = await SimServer.StartAsync(
            new SimServerOptions { Port = FreePort.Next(), DelayRate = 0.2, Delay = TimeSpan.FromSeconds(10) }, SimulatedBackend.Create());
        await using var silo = await SiloProcess.StartAsync(
            "a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" },
            [.. FastRetries, "--Agents:Models:Retry:AttemptTimeout=00:00:02", SiloProcess.ListModel(server.ModelSpec)]);
        var settings = new BatchSettings(
            WriteProblems(problems), "sc", Path.Combine(_dir.FullName, "r.jsonl"), Model: server.ModelSpec, K: 2, Concurrency: 8,
            Cluster: $"redis://{redis.Endpoint}", JobId: "job-slow");

        var (exit, text) = await RunAsync(settings, TimeSpan.FromMinutes(2));

        Assert.Equal(ExitCodes.Ok, exit);
        var rows = OutputFile.ReadAndRepair(settings.Output);
        var retries = rows.Sum(r => r.Retries);
        output.WriteLine($"figure: problems {problems}, rows {rows.Count}, failed {rows.Count(r => r.Status != "ok")}, retries {retries}, held past the timeout {server.Stats.Delayed}, server requests {server.Stats.Requests}");
        Assert.Equal(problems, rows.Count);
        Assert.Equal(problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.True(server.Stats.Delayed > 0, text);
        // Every held request is retried; on a busy machine an ordinary request may also run past the timeout.
        Assert.InRange(retries, server.Stats.Delayed, server.Stats.Requests - problems);
    }

    [RedisFact]
    public async Task Batch_BackendDownForGood_RunsFailClearlyInBoundedTimeAndTheJobFinishes()
    {
        const int problems = 6;
        await using var redis = await RedisServer.StartAsync();
        // Nothing listens on a port just freed; the silo lists it, so the run reaches the (dead) backend.
        var dead = $"openai:http://127.0.0.1:{FreePort.Next()}/v1#x";
        await using var silo = await SiloProcess.StartAsync(
            "a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" },
            [.. FastRetries, "--Agents:Models:Retry:MaxRetryAttempts=1", "--Agents:Models:Retry:AttemptTimeout=00:00:05", SiloProcess.ListModel(dead)]);
        var settings = new BatchSettings(
            WriteProblems(problems), "cot", Path.Combine(_dir.FullName, "r.jsonl"), Model: dead, Concurrency: 4, MaxAttempts: 2,
            Cluster: $"redis://{redis.Endpoint}", JobId: "job-dead");
        var stopwatch = Stopwatch.StartNew();

        var (exit, text) = await RunAsync(settings, TimeSpan.FromMinutes(2));

        output.WriteLine($"figure: problems {problems}, failed in {stopwatch.Elapsed.TotalSeconds:F1} s; first error: {OutputFile.ReadAndRepair(settings.Output).FirstOrDefault()?.Error}");
        Assert.Equal(ExitCodes.Ok, exit);
        var rows = OutputFile.ReadAndRepair(settings.Output);
        Assert.Equal(problems, rows.Count);
        Assert.All(rows, r => Assert.Equal("failed", r.Status));
        Assert.All(rows, r => Assert.Contains("attempt 2/2", r.Error, StringComparison.Ordinal));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(90), text);
    }

    private string WriteProblems(int count)
    {
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        File.WriteAllLines(input, SyntheticProblems.Generate(count, seed: 17)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        return input;
    }

    private async Task<(int Exit, string Text)> RunAsync(BatchSettings settings, TimeSpan limit)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });
        var exit = await new BatchRunner(console, text).RunAsync(settings, CancellationToken.None).WaitAsync(limit);
        output.WriteLine(text.ToString());
        return (exit, text.ToString());
    }
}
