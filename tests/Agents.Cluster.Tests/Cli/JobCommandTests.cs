using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests.Cli;

/// <summary>
/// <c>agents job status|cancel</c>, <c>agents batch --job ID --export FILE</c> and Ctrl-C detach / re-attach, on a
/// Redis cluster with one real silo process (an embedded job ends with its process, so these need a cluster).
/// </summary>
public sealed class JobCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-job-");
    private readonly StringWriter _out = new();
    private readonly StringWriter _errors = new();

    private IAnsiConsole Console => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Interactive = InteractionSupport.No });

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task Job_DetachStatusReattachExportAndCancel_OnOneSiloCluster()
    {
        await using var world = await SlowClusterAsync();
        var (cluster, server) = (world.Cluster, world.Server);
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        var problems = SyntheticProblems.Generate(24, seed: 21).ToList();
        await File.WriteAllLinesAsync(input, problems.Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "sc", results, Model: server.ModelSpec, K: 2, Concurrency: 2, Cluster: cluster, JobId: "job-cli");
        var tools = new JobTools(Console, _errors);

        try
        {
            // Ctrl-C (the token) after a few rows: the client detaches with 130 and the job keeps running.
            using (var ctrlC = new CancellationTokenSource())
            {
                var batch = new BatchRunner(Console, _errors).RunAsync(settings, ctrlC.Token);
                await WaitForLinesAsync(results, 3, batch);
                await ctrlC.CancelAsync();
                Assert.Equal(ExitCodes.Interrupted, await batch.WaitAsync(TimeSpan.FromMinutes(1)));
            }

            Assert.Contains(BatchRunner.DetachMessage("job-cli", cluster), _errors.ToString(), StringComparison.Ordinal);
            var detachedRows = OutputFile.ReadAndRepair(results).Count;
            Assert.InRange(detachedRows, 3, 23);

            _out.GetStringBuilder().Clear();
            Assert.Equal(ExitCodes.Ok, await tools.StatusAsync("job-cli", cluster, CancellationToken.None));
            var status = _out.ToString();
            Assert.Contains("job job-cli", status, StringComparison.Ordinal);
            Assert.Contains("in flight", status, StringComparison.Ordinal);
            Assert.Contains("24", status, StringComparison.Ordinal);
            Assert.Matches("running|completed", status);

            // Re-attach: the same command with --job pages the job from 0 and skips ids the file has.
            Assert.Equal(ExitCodes.Ok, await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None));
            var rows = OutputFile.ReadAndRepair(results);
            Assert.Equal(24, rows.Count);
            Assert.Equal(24, rows.Select(r => r.Id).Distinct().Count());
            Assert.All(rows, r => Assert.Equal("ok", r.Status));

            var byInput = Path.Combine(_dir.FullName, "export-input.jsonl");
            var byCompletion = Path.Combine(_dir.FullName, "export-completion.jsonl");
            Assert.Equal(ExitCodes.Ok, await tools.ExportAsync("job-cli", cluster, byInput, "input", CancellationToken.None));
            Assert.Equal(ExitCodes.Ok, await tools.ExportAsync("job-cli", cluster, byCompletion, "completion", CancellationToken.None));
            Assert.Equal(problems.Select(p => p.Id), ExportedIds(byInput));
            Assert.Equal(problems.Select(p => p.Id).Order(StringComparer.Ordinal), ExportedIds(byCompletion).Order(StringComparer.Ordinal));
            Assert.Equal(ExitCodes.Error, await tools.ExportAsync("job-cli", cluster, byInput, "random", CancellationToken.None));

            // Cancel a detached job: runs in flight finish, nothing new starts.
            var cancelled = settings with { Output = Path.Combine(_dir.FullName, "c.jsonl"), JobId = "job-cancel", Concurrency = 1 };
            using (var ctrlC = new CancellationTokenSource())
            {
                var batch = new BatchRunner(Console, _errors).RunAsync(cancelled, ctrlC.Token);
                await WaitForLinesAsync(cancelled.Output, 1, batch);
                await ctrlC.CancelAsync();
                Assert.Equal(ExitCodes.Interrupted, await batch.WaitAsync(TimeSpan.FromMinutes(1)));
            }

            Assert.Equal(ExitCodes.Ok, await tools.CancelAsync("job-cancel", cluster, CancellationToken.None));
            _out.GetStringBuilder().Clear();
            Assert.Equal(ExitCodes.Ok, await tools.StatusAsync("job-cancel", cluster, CancellationToken.None));
            Assert.Contains("cancelled", _out.ToString(), StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var partial = Path.Combine(_dir.FullName, "export-cancel.jsonl");
            Assert.Equal(ExitCodes.Ok, await tools.ExportAsync("job-cancel", cluster, partial, "completion", CancellationToken.None));
            Assert.InRange(ExportedIds(partial).Count, 1, 23);

            Assert.Equal(ExitCodes.Error, await tools.StatusAsync("job-none", cluster, CancellationToken.None));
            Assert.Contains("no job 'job-none'", _errors.ToString(), StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Error, await tools.StatusAsync("job-cli", null, CancellationToken.None));
        }
        finally
        {
            log.WriteLine(_out.ToString());
            log.WriteLine(_errors.ToString());
        }
    }

    [RedisFact]
    public async Task Batch_SigIntToTheCliProcess_DetachesWith130AndTheJobCompletes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await using var world = await SlowClusterAsync();
        var (cluster, server) = (world.Cluster, world.Server);
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(30, seed: 23)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var settings = new BatchSettings(input, "sc", results, Model: server.ModelSpec, K: 2, Concurrency: 2, Cluster: cluster, JobId: "job-sigint");

        var (exit, stderr) = await InterruptBatchAsync(input, results, server.ModelSpec, cluster, "job-sigint", presses: 1);

        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.Contains(BatchRunner.DetachMessage("job-sigint", cluster), stderr, StringComparison.Ordinal);
        var detached = OutputFile.ReadAndRepair(results).Count;
        using (var summary = JsonDocument.Parse(await File.ReadAllTextAsync(ResumableOutput.SidePath(results, ".summary.json"))))
        {
            // The interrupted run's summary counts the rows it appended.
            Assert.Equal(detached, summary.RootElement.GetProperty("new_runs").GetInt32());
        }

        Assert.InRange(OutputFile.ReadAndRepair(results).Count, 3, 29);

        // The job was not cancelled: re-attaching finds it running to completion.
        Assert.Equal(ExitCodes.Ok, await new BatchRunner(Console, _errors).RunAsync(settings, CancellationToken.None));
        Assert.Equal(30, OutputFile.ReadAndRepair(results).Select(r => r.Id).Distinct().Count());
        Assert.Equal(30, OutputFile.ReadAndRepair(results).Count);
        Assert.DoesNotContain("missing from the job's results", _errors.ToString(), StringComparison.Ordinal);
        _out.GetStringBuilder().Clear();
        Assert.Equal(ExitCodes.Ok, await new JobTools(Console, _errors).StatusAsync("job-sigint", cluster, CancellationToken.None));
        Assert.Contains("completed", _out.ToString(), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Batch_SecondSigInt_CancelsTheJobAndStatusShowsRejectedRows()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await using var world = await SlowClusterAsync();
        var (cluster, server) = (world.Cluster, world.Server);
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        var rows = SyntheticProblems.Generate(40, seed: 29).Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })).ToList();
        rows.Insert(3, "{\"id\": \"no-question\"}");
        await File.WriteAllLinesAsync(input, rows);
        var results = Path.Combine(_dir.FullName, "r.jsonl");

        // Two presses in quick succession, as a user hitting Ctrl-C twice does.
        var (exit, stderr) = await InterruptBatchAsync(input, results, server.ModelSpec, cluster, "job-twice", presses: 2);

        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.Contains(BatchRunner.DetachMessage("job-twice", cluster), stderr, StringComparison.Ordinal);
        Assert.Contains(BatchRunner.CancelMessage("job-twice"), stderr, StringComparison.Ordinal);

        _out.GetStringBuilder().Clear();
        Assert.Equal(ExitCodes.Ok, await new JobTools(Console, _errors).StatusAsync("job-twice", cluster, CancellationToken.None));
        var status = _out.ToString();
        Assert.Contains("cancelled", status, StringComparison.Ordinal);
        Assert.Contains("1 input row(s) were rejected before upload", status, StringComparison.Ordinal);
        Assert.Contains($"{input}:4:", status, StringComparison.Ordinal);

        // Nothing new starts after the cancel: an export a little later holds fewer than all 40.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var partial = Path.Combine(_dir.FullName, "export-twice.jsonl");
        Assert.Equal(ExitCodes.Ok, await new JobTools(Console, _errors).ExportAsync("job-twice", cluster, partial, "input", CancellationToken.None));
        Assert.InRange(ExportedIds(partial).Count, 3, 39);
    }

    // Redis, one silo process and a model server whose requests take time, so a client can detach (and a job be
    // cancelled) while runs are in flight.
    private static async Task<SlowCluster> SlowClusterAsync()
    {
        var redis = await RedisServer.StartAsync();
        var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1500 });
        var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create(latency: latency));
        var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" });
        return new SlowCluster(redis, latency, server, silo);
    }

    private sealed record SlowCluster(RedisServer Redis, SimulatedLatency Latency, SimServer Server, SiloProcess Silo) : IAsyncDisposable
    {
        public string Cluster => $"redis://{Redis.Endpoint}";

        public async ValueTask DisposeAsync()
        {
            await Silo.DisposeAsync();
            await Server.DisposeAsync();
            Latency.Dispose();
            await Redis.DisposeAsync();
        }
    }

    // Runs the real `agents batch` in its own process, presses Ctrl-C (SIGINT) once it has written 3 rows, 300 ms apart,
    // and returns its exit code and stderr once it exits (killed after 30 s).
    private async Task<(int Exit, string Stderr)> InterruptBatchAsync(string input, string results, string model, string cluster, string job, int presses)
    {
        using var cli = StartBatchProcess(input, results, model, cluster, job);
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        try
        {
            await WaitForLinesAsync(results, 3, cli.WaitForExitAsync());
            for (var press = 0; press < presses; press++)
            {
                await Task.Delay(press == 0 ? 0 : 300);
                await SigIntAsync(cli.Id);
            }

            await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }
        }

        log.WriteLine(await stdout);
        log.WriteLine(await stderr);
        return (cli.ExitCode, await stderr);
    }

    // The real `agents batch` command in its own process (so a SIGINT reaches only it).
    private static System.Diagnostics.Process StartBatchProcess(string input, string results, string model, string cluster, string job)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "agents.dll"), "batch", "--input", input, "--strategy", "sc", "--k", "2", "--concurrency", "2",
            "--model", model, "--output", results, "--cluster", cluster, "--job", job,
        })
        {
            info.ArgumentList.Add(arg);
        }

        return System.Diagnostics.Process.Start(info)!;
    }

    private static async Task SigIntAsync(int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static List<string> ExportedIds(string file) =>
        [.. File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];

    // Reads the output while the batch appends to it.
    private static async Task WaitForLinesAsync(string file, int lines, Task batch)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !batch.IsCompleted)
        {
            if (File.Exists(file))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync();
                if (text.Count(c => c == '\n') >= lines)
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        Assert.False(batch.IsCompleted, "the batch finished before it could be interrupted");
    }
}
