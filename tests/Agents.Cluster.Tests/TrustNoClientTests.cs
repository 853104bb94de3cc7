using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Agents.Core.Simulation;
using Agents.Testing;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>
/// A cluster holds the keys, clients hold none: a client names a model the silos list; a URL or file of its own is refused
/// by the silo before any request leaves it. Real processes: redis-server, a silo, the agents command, a TCP listener.
/// </summary>
public sealed class TrustNoClientTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-trust-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task ClusterBatch_ModelTheSilosDoNotList_FailsWithModelNotAllowedAndNoRequestLeavesTheSilo()
    {
        var apiKey = $"sk-agents-SECRET-{Guid.NewGuid():N}";
        await using var listener = CountingListener.Start();
        await using var redis = await RedisServer.StartAsync();
        var secrets = new Dictionary<string, string> { ["AGENTS_OPENAI_API_KEY"] = apiKey };
        // The silo lists one model (on another port, never contacted here); the client's listener is not among them.
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" },
            [$"--Agents:Models:Named:qwen=openai:http://127.0.0.1:{FreePort.Next()}/v1#qwen"], secrets);
        var cluster = $"redis://{redis.Endpoint}";
        var input = WriteProblems(3);

        var openai = await CliProcess.RunAsync(secrets, null, "batch", "--input", input, "--strategy", "cot", "--output", Path.Combine(_dir.FullName, "a.jsonl"),
            "--model", $"openai:{listener.Url}#x", "--cluster", cluster, "--job", "job-unlisted");
        var replay = await CliProcess.RunAsync(secrets, null, "batch", "--input", input, "--strategy", "cot", "--output", Path.Combine(_dir.FullName, "b.jsonl"),
            "--model", "replay:/dev/zero", "--cluster", cluster, "--job", "job-replay");
        var judge = await CliProcess.RunAsync(secrets, null, "batch", "--input", input, "--strategy", "bok", "--k", "2", "--output", Path.Combine(_dir.FullName, "c.jsonl"),
            "--reward", $"judge:openai:{listener.Url}#x", "--cluster", cluster, "--job", "job-judge");
        var status = await CliProcess.RunAsync(secrets, null, "cluster", "status", "--cluster", cluster);
        output.WriteLine(openai.Text);
        output.WriteLine(replay.Text);
        output.WriteLine(status.Text);

        Assert.NotEqual(0, openai.Exit);
        Assert.Contains($"error: model not allowed: 'openai:{listener.Url}#x' is not one of the models this cluster lists (sim, qwen)", openai.Text, StringComparison.Ordinal);
        Assert.NotEqual(0, replay.Exit);
        Assert.Contains("error: model not allowed: 'replay:/dev/zero' is not one of the models this cluster lists (sim, qwen)", replay.Text, StringComparison.Ordinal);
        Assert.NotEqual(0, judge.Exit);
        Assert.Contains("error: model not allowed", judge.Text, StringComparison.Ordinal);
        Assert.Equal(0, listener.Connections);
        Assert.Equal(string.Empty, listener.Received);
        Assert.True(status.Exit == 0, status.Text);
        // Clients see the names they may use, never the listed endpoint.
        Assert.Contains("models the silos list: qwen, sim", status.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("#qwen", status.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, openai.Text + replay.Text + judge.Text + silo.Log, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task ClusterBatch_ListedModelByName_RunsOnTheSpecTheSiloListsWithItsKey()
    {
        var apiKey = $"sk-agents-SECRET-{Guid.NewGuid():N}";
        await using var server = await Agents.Inference.Serving.SimServer.StartAsync(
            new Agents.Inference.Serving.SimServerOptions { Port = FreePort.Next(), ApiKey = apiKey }, Agents.Inference.Backends.SimulatedBackend.Create());
        await using var redis = await RedisServer.StartAsync();
        await using var silo = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", new Dictionary<string, string> { ["role"] = "cpu" },
            [$"--Agents:Models:Named:sim7b={server.ModelSpec}"], new Dictionary<string, string> { ["AGENTS_OPENAI_API_KEY"] = apiKey });
        var results = Path.Combine(_dir.FullName, "r.jsonl");

        // The client holds no key and names the model; the silo sends its own key to the endpoint it lists.
        var batch = await CliProcess.RunAsync(new Dictionary<string, string>(), null, "batch", "--input", WriteProblems(3), "--strategy", "cot",
            "--output", results, "--model", "sim7b", "--cluster", $"redis://{redis.Endpoint}", "--job", "job-named");

        Assert.True(batch.Exit == 0, batch.Text);
        var rows = File.ReadAllLines(results).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        Assert.True(server.Stats.Completed >= 3, $"server answered {server.Stats.Completed}");
    }

    [Theory]
    [InlineData("127.0.0.1:6379,password=hunter2")]
    [InlineData("redis://:hunter2@127.0.0.1:6379")]
    [InlineData("redis://127.0.0.1:6379?password=hunter2")]
    public void RedisConnectionString_CarryingAPassword_RefusedWithoutRepeatingIt(string connection)
    {
        var ex = Assert.Throws<ArgumentException>(() => Agents.Hosting.AgentsClusterOptions.ToEndpoint(connection));

        Assert.Contains("AGENTS_REDIS_PASSWORD", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisConnectionString_Rediss_MeansTls()
    {
        Assert.Equal("10.0.0.9:6380,ssl=true", Agents.Hosting.AgentsClusterOptions.ToEndpoint("rediss://10.0.0.9:6380"));
        Assert.Equal("10.0.0.9:6379", Agents.Hosting.AgentsClusterOptions.ToEndpoint("redis://10.0.0.9"));
    }

    [Fact]
    public void Dashboard_NonLoopbackAddress_RefusedUnlessAllowed()
    {
        var open = new Agents.Hosting.AgentsDashboardOptions { Port = 8088, Address = "0.0.0.0" };

        var ex = Assert.Throws<InvalidOperationException>(() => open.CheckedUrl());

        Assert.StartsWith("Agents:Dashboard:Address 0.0.0.0 is not a loopback address", ex.Message, StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:8088", new Agents.Hosting.AgentsDashboardOptions { Port = 8088 }.CheckedUrl());
        open.AllowNonLoopback = true;
        Assert.Equal("http://0.0.0.0:8088", open.CheckedUrl());
    }

    private string WriteProblems(int count)
    {
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        File.WriteAllLines(input, SyntheticProblems.Generate(count, seed: 23)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        return input;
    }

    /// <summary>A TCP listener on a free loopback port that counts connections and keeps what they send (request lines, headers).</summary>
    private sealed class CountingListener : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly StringBuilder _received = new();
        private readonly Task _accepting;
        private int _connections;

        private CountingListener(TcpListener listener)
        {
            _listener = listener;
            _accepting = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";

        public int Connections => Volatile.Read(ref _connections);

        public string Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToString();
                }
            }
        }

        public static CountingListener Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new CountingListener(listener);
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Stop() ends the accept loop.
            }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                var buffer = new byte[8192];
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    var n = await client.GetStream().ReadAsync(buffer, read.Token);
                    lock (_received)
                    {
                        _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    }
                }
                catch (OperationCanceledException)
                {
                    // A connection that sends nothing is counted all the same.
                }
            }
        }
    }
}
