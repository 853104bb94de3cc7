using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>Operations on real silo processes: the Orleans Dashboard flag, OTLP export, and secrets kept out of every output.</summary>
public sealed class OperationsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Dictionary<string, string> Cpu = new() { ["role"] = "cpu" };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-ops-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task Silo_DashboardPort_ServesTheDashboardOnLoopbackOnly()
    {
        await using var redis = await RedisServer.StartAsync();
        var port = FreePort.Next();
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", Cpu, [$"--Agents:Dashboard:Port={port}"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/dashboard/"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Orleans", html, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: http://127.0.0.1:{port}", silo.Log, StringComparison.Ordinal);
        // Bound to 127.0.0.1, not to every interface: the machine's other addresses refuse the connection.
        foreach (var address in OtherLocalAddresses())
        {
            using var client = new TcpClient(address.AddressFamily);
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, port));
            output.WriteLine($"{address}:{port} refused");
        }
    }

    [RedisFact]
    public async Task Silo_OtlpEndpoint_ExportsRunAndModelCallSpansAndMetrics()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var collector = OtlpCollector.Start();
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", Cpu,
        [
            $"--Agents:Telemetry:OtlpEndpoint={collector.Endpoint}",
            "--Agents:Telemetry:OtlpProtocol=http/protobuf",
            "--Agents:Telemetry:MetricsIntervalMs=500",
        ]);
        var settings = new BatchSettings(
            WriteProblems(3), "sc", Path.Combine(_dir.FullName, "r.jsonl"), K: 2, Concurrency: 4, Cluster: $"redis://{redis.Endpoint}", JobId: "job-otlp");
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });

        var exit = await new BatchRunner(console, text).RunAsync(settings, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(ExitCodes.Ok, exit);
        // The batch processor exports every 5 s; metrics every 500 ms here.
        Assert.True(await collector.WaitForAsync("/v1/traces", "gen_ai.usage.input_tokens", TimeSpan.FromSeconds(30)), Describe(collector));
        Assert.True(await collector.WaitForAsync("/v1/traces", "run sc", TimeSpan.FromSeconds(30)), Describe(collector));
        Assert.True(await collector.WaitForAsync("/v1/metrics", "agents.model.tokens", TimeSpan.FromSeconds(30)), Describe(collector));
        Assert.All(collector.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.All(collector.Requests, r => Assert.NotEmpty(r.Body));
        output.WriteLine(Describe(collector));
    }

    [RedisFact]
    public async Task ClusterBatch_ApiKeyAndRedisPasswordInTheEnvironment_NeverReachLogsResultsTranscriptsRecordsOrTelemetry()
    {
        var apiKey = $"sk-agents-SECRET-{Guid.NewGuid():N}";
        var redisPassword = $"redis-SECRET-{Guid.NewGuid():N}";
        await using var redis = await RedisServer.StartAsync(redisPassword);
        // The server refuses requests without the key, so every answered run proves the key was sent.
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next(), ApiKey = apiKey }, SimulatedBackend.Create());
        await using var collector = OtlpCollector.Start();
        var secrets = new Dictionary<string, string> { ["AGENTS_REDIS_PASSWORD"] = redisPassword, ["AGENTS_OPENAI_API_KEY"] = apiKey };
        var record = Path.Combine(_dir.FullName, "record.jsonl");
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", Cpu,
        [
            $"--Agents:Models:Record={record}",
            SiloProcess.ListModel(server.ModelSpec),
            $"--Agents:Telemetry:OtlpEndpoint={collector.Endpoint}",
            "--Agents:Telemetry:OtlpProtocol=http/protobuf",
            "--Agents:Telemetry:MetricsIntervalMs=500",
            "--Logging:LogLevel:Default=Information",
        ], secrets);
        // The CLI gets the secrets too, and finds the collector through the standard OpenTelemetry variables.
        var cliEnvironment = new Dictionary<string, string>(secrets)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        var cluster = $"redis://{redis.Endpoint}";
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var exported = Path.Combine(_dir.FullName, "export.jsonl");
        var input = WriteProblems(4);

        var batch = await CliProcess.RunAsync(cliEnvironment, null, "batch", "--input", input, "--strategy", "sc", "--k", "2", "--output", results,
            "--model", server.ModelSpec, "--cluster", cluster, "--job", "job-secrets", "--concurrency", "4");
        var rows = OutputFile.ReadAndRepair(results);
        var trace = await CliProcess.RunAsync(cliEnvironment, null, "trace", "--job", "job-secrets", "--problem", rows[0].Id, "--cluster", cluster, "--json");
        var export = await CliProcess.RunAsync(cliEnvironment, null, "batch", "--job", "job-secrets", "--export", exported, "--cluster", cluster);
        var tracesExported = await collector.WaitForAsync("/v1/traces", "gen_ai.usage.input_tokens", TimeSpan.FromSeconds(30));
        await silo.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(batch.Exit == 0, batch.Text);
        Assert.True(trace.Exit == 0, trace.Text);
        Assert.True(export.Exit == 0, export.Text);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.True(server.Stats.Completed >= rows.Count, $"server answered {server.Stats.Completed}");
        Assert.Contains("\"kind\"", trace.Text, StringComparison.Ordinal);
        Assert.True(tracesExported, Describe(collector));
        var outputs = new Dictionary<string, byte[]>
        {
            ["silo log"] = Encoding.UTF8.GetBytes(silo.Log),
            ["batch output"] = Encoding.UTF8.GetBytes(batch.Text),
            ["trace output"] = Encoding.UTF8.GetBytes(trace.Text),
            ["export output"] = Encoding.UTF8.GetBytes(export.Text),
        };
        foreach (var file in _dir.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            outputs[file.Name] = await File.ReadAllBytesAsync(file.FullName);
        }

        foreach (var (request, i) in collector.Requests.Select((r, i) => (r, i)))
        {
            outputs[$"otlp {request.Path} #{i}"] = request.Body;
        }

        output.WriteLine($"checked: {string.Join(", ", outputs.Select(o => $"{o.Key} ({o.Value.Length} B)"))}");
        Assert.True(new FileInfo(record).Length > 0, "the record file is empty");
        Assert.True(new FileInfo(exported).Length > 0, "the export file is empty");
        foreach (var secret in new[] { apiKey, redisPassword })
        {
            var needle = Encoding.UTF8.GetBytes(secret);
            Assert.All(outputs, o => Assert.True(o.Value.AsSpan().IndexOf(needle) < 0, $"{o.Key} contains a secret"));
        }
    }

    private string WriteProblems(int count)
    {
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        File.WriteAllLines(input, SyntheticProblems.Generate(count, seed: 23)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        return input;
    }

    private static string Describe(OtlpCollector collector) =>
        $"collector got {collector.Requests.Count} request(s): {string.Join(", ", collector.Requests.GroupBy(r => r.Path).Select(g => $"{g.Key} x{g.Count()}"))}";

    // The machine's unicast addresses other than loopback (none in some containers: then only the log line is checked).
    private static IEnumerable<IPAddress> OtherLocalAddresses() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
