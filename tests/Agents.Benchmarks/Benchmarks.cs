using Agents.Core.Prompts;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using Agents.Contracts.Inference;
using Agents.Contracts.Runs;
using Agents.Contracts.Solving;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Core.Strategies;
using Agents.Grains.Inference;
using Agents.Inference;
using Agents.Inference.Backends;
using Agents.Inference.Gpu;
using Agents.Inference.Sampling;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Benchmarks;

/// <summary>The five measurements of issue #4; each returns its figures (ratios measured within one run).</summary>
internal sealed partial class Benchmarks(bool quick, TextWriter log)
{
    private static readonly Dictionary<string, string?> Common = new()
    {
        ["Agents:Models:Default"] = "sim",
        ["Agents:Gpu:Routing"] = "Always",
        ["Agents:Gpu:QueueDeadlineMs"] = "600000",
    };

    public Task<Dictionary<string, double>> RunAsync(string mode) => mode switch
    {
        "saturation" => SaturationAsync(),
        "magicore" => MagicoreAsync(),
        "scaleout" => ScaleoutAsync(),
        "affinity" => AffinityAsync(),
        "affinity-skew" => AffinitySkewAsync(),
        "hop" => HopAsync(),
        "nbatch" => NBatchAsync(),
        "gateway" => GatewayAsync(),
        "grading" => Task.FromResult(GradingBenchmark.Run(quick, log)),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown mode"),
    };

    // N sim servers of known capacity behind N gpu silos; an SC batch (k = 8) through the cluster; busy = slot time / (capacity × wall).
    private async Task<Dictionary<string, double>> SaturationAsync()
    {
        const int servers = 2, capacity = 4;
        var problems = quick ? 120 : 320;
        var (wall, fractions) = await RunBatchOnServersAsync(servers, capacity, problems);
        for (var i = 0; i < fractions.Count; i++)
        {
            log.WriteLine($"   server {i + 1}: busy fraction {fractions[i]:F3}");
        }

        log.WriteLine($"   {problems} SC problems' sampling (k = 8, one n-request each) in {wall.TotalSeconds:F1} s over {servers} servers × {capacity} slots");

        // The same batch as whole SC runs: solver agents are stateless workers (at most one per core per silo), which caps
        // the calls in flight below the servers' slots on small hosts.
        var (runsWall, runsFractions) = await RunBatchOnServersAsync(servers, capacity, problems / 2, viaRuns: true);
        log.WriteLine($"   as SC runs: busy fraction {runsFractions.Average():F3} ({problems / 2} problems in {runsWall.TotalSeconds:F1} s)");
        return new()
        {
            ["saturation_busy_fraction"] = Math.Round(fractions.Average(), 4),
            ["saturation_busy_fraction_runs"] = Math.Round(runsFractions.Average(), 4),
        };
    }

    // 1, 2, 4 and 8 gpu silos, each with its own sim server; the same work per silo; throughput ratios.
    private async Task<Dictionary<string, double>> ScaleoutAsync()
    {
        const int capacity = 4;
        var perSilo = quick ? 40 : 100;
        var throughput = new Dictionary<int, double>();
        foreach (var silos in new[] { 1, 2, 4, 8 })
        {
            var (wall, fractions) = await RunBatchOnServersAsync(silos, capacity, perSilo * silos);
            throughput[silos] = perSilo * silos / wall.TotalSeconds;
            log.WriteLine($"   {silos} gpu silo(s): {throughput[silos]:F1} problems/s (busy {fractions.Average():F3})");
        }

        return new()
        {
            ["scaleout_2_over_1"] = Math.Round(throughput[2] / throughput[1], 3),
            ["scaleout_4_over_1"] = Math.Round(throughput[4] / throughput[1], 3),
            ["scaleout_8_over_1"] = Math.Round(throughput[8] / throughput[1], 3),
        };
    }

    private static async Task<(TimeSpan Wall, List<double> Fractions)> RunBatchOnServersAsync(int count, int capacity, int problems, bool viaRuns = false)
    {
        // Service times of about a second, as on a real GPU server, so the 2-core host's own CPU is not the bottleneck.
        var latency = new SimulatedLatencyOptions { MaxConcurrency = capacity, DecodeTokensPerSecond = 150, PrefillTokensPerSecond = 5_000 };
        var latencies = Enumerable.Range(0, count).Select(_ => new SimulatedLatency(latency)).ToArray();
        var servers = new List<SimServer>();
        try
        {
            foreach (var l in latencies)
            {
                servers.Add(await SimServer.StartAsync(new SimServerOptions(), SimulatedBackend.Create(latency: l)));
            }

            // One request per problem, no shared prefixes: least-loaded keeps every server's slots full to the end.
            var settings = new Dictionary<string, string?>(Common) { ["Agents:Gpu:Policy"] = nameof(RoutingPolicy.LeastLoaded) };
            await using var cluster = await BenchCluster.StartAsync(count, settings, i => new()
            {
                ["Orleans:Metadata:models"] = "sim",
                ["Orleans:Metadata:model.sim"] = servers[i - 1].ModelSpec,
                ["Orleans:Metadata:capacity.sim"] = capacity.ToString(CultureInfo.InvariantCulture),
                ["Orleans:Metadata:queue.sim"] = "100000",
            });
            using var http = new HttpClient();
            var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 8, seed: 1);
            foreach (var warm in SyntheticProblems.Generate(count, seed: 99))
            {
                await cluster.Client.GetGrain<IProblemRunGrain>($"warm/{warm.Id}").RunAsync(new RunRequest("warm", warm, spec with { K = 1 }));
            }

            var before = await Task.WhenAll(servers.Select(s => SlotBusyMsAsync(http, s)));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var batch = SyntheticProblems.Generate(problems, seed: 17).ToArray();
            var stopwatch = Stopwatch.StartNew();
            // Slots plus one waiting request per server: work binds to a replica late, so no server ends the batch with a long queue.
            using var inFlight = new SemaphoreSlim(count * (capacity + 1));
            // The solver's own sampling call (SolverPrompt, n = 8 in one request) through the cpu silo's GpuChatClient, or whole SC runs.
            var model = cluster.Services(cluster.CpuSilo).GetRequiredService<IModelRegistry>().Resolve("sim");
            var results = await Task.WhenAll(batch.Select(async p =>
            {
                await inFlight.WaitAsync();
                try
                {
                    if (viaRuns)
                    {
                        return await cluster.Client.GetGrain<IProblemRunGrain>($"bench/{p.Id}").RunAsync(new RunRequest("bench", p, spec));
                    }

                    var samples = await model.SampleAsync(
                        SolverPrompt.Build(PromptTemplates.Defaults, p.Question), new ChatOptions { Temperature = 0.8f, TopP = 0.95f, MaxOutputTokens = 1000 }, spec.K, baseSeed: 1, preferN: true, default);
                    return new RunResult(p.Id, spec.Name, null, null, null, samples.Texts.Count == spec.K ? "ok" : "failed", null, samples.Usage, 0, 0, samples.Method, string.Empty, 0, [], [], [], ImmutableDictionary<string, string>.Empty);
                }
                finally
                {
                    inFlight.Release();
                }
            }));
            var wall = stopwatch.Elapsed;
            var after = await Task.WhenAll(servers.Select(s => SlotBusyMsAsync(http, s)));
            Console.WriteLine($"   ({count} server(s): host CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores)");
            if (results.Any(r => r.Status != "ok"))
            {
                throw new InvalidOperationException($"{results.Count(r => r.Status != "ok")} runs failed: {results.First(r => r.Status != "ok").Error}");
            }

            return (wall, [.. before.Zip(after, (b, a) => (a - b) / (capacity * wall.TotalMilliseconds))]);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            foreach (var l in latencies)
            {
                l.Dispose();
            }
        }
    }

    private static async Task<double> SlotBusyMsAsync(HttpClient http, SimServer server)
    {
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.BaseAddress, "stats")));
        return stats.RootElement.GetProperty("slot_busy_ms").GetDouble();
    }

    // A prefill-heavy chat workload (long shared context, several turns per problem) over 4 replicas with prefix caches.
    private async Task<Dictionary<string, double>> AffinityAsync()
    {
        var problems = quick ? 16 : 32;
        var turns = quick ? 4 : 6;
        var figures = new Dictionary<RoutingPolicy, PolicyRun>();
        foreach (var policy in new[] { RoutingPolicy.RoundRobin, RoutingPolicy.Affinity })
        {
            var run = figures[policy] = await MultiTurnAsync(policy, Context, problems, turns, 4, problems / 4 * 8_000, prefillTokensPerSecond: 4000);
            log.WriteLine($"   {policy}: {run.Throughput:F1} requests/s, prefix hit rate {run.HitRate:F3}");
        }

        return new()
        {
            ["affinity_over_round_robin"] = Math.Round(figures[RoutingPolicy.Affinity].Throughput / figures[RoutingPolicy.RoundRobin].Throughput, 3),
            ["affinity_hit_rate"] = Math.Round(figures[RoutingPolicy.Affinity].HitRate, 4),
            ["round_robin_hit_rate"] = Math.Round(figures[RoutingPolicy.RoundRobin].HitRate, 4),
        };
    }

    // What one routing policy achieves on a multi-turn workload: each problem's turns extend one conversation (its
    // context first), every problem at once, over gpu silos of one sim replica each with a prefix cache.
    private static async Task<PolicyRun> MultiTurnAsync(
        RoutingPolicy policy, Func<int, string> context, int problems, int turns, int replicas, long prefixCacheTokens, int prefillTokensPerSecond)
    {
        await using var cluster = await BenchCluster.StartAsync(replicas, Common, _ => new()
        {
            ["Orleans:Metadata:models"] = "sim",
            ["Orleans:Metadata:capacity.sim"] = "4",
            ["Orleans:Metadata:queue.sim"] = "100000",
            ["Agents:Simulation:Latency:MaxConcurrency"] = "4",
            ["Agents:Simulation:Latency:PrefillTokensPerSecond"] = prefillTokensPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Agents:Simulation:Latency:DecodeTokensPerSecond"] = "4000",
            ["Agents:Simulation:Latency:PrefixCacheTokens"] = prefixCacheTokens.ToString(CultureInfo.InvariantCulture),
        });
        var router = cluster.Services(cluster.CpuSilo).GetRequiredService<InferenceRouter>();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, problems).Select(async p =>
        {
            var messages = new List<InferenceMessage>
            {
                new("system", "You are a careful solver. Use the reference material."),
                new("user", context(p) + $"\nQuestion {p}: what is {p} + {p * 7}?"),
            };
            for (var turn = 0; turn < turns; turn++)
            {
                var response = await router.SendAsync(new InferenceRequest("sim", [.. messages], Seed: turn, AffinityKey: $"problem-{p}"), policy);
                messages.Add(new("assistant", response.Choices[0]));
                messages.Add(new("user", $"Check step {turn + 1} again."));
            }
        }));
        var wall = stopwatch.Elapsed;
        var latencies = cluster.GpuSilos.Select(s => cluster.Services(s).GetRequiredService<ModelRegistry>().ResolveBackend("sim").GetService<SimulatedChatClient>()!.Latency).ToArray();
        var hitRate = (double)latencies.Sum(l => l.PrefixHitTokens) / latencies.Sum(l => l.PromptTokens);
        return new PolicyRun(problems * turns / wall.TotalSeconds, hitRate, [.. latencies.Select(l => l.SlotBusyTime.TotalSeconds)]);
    }

    // Requests per second, the share of prompt tokens served from a prefix cache, and each replica's slot-busy seconds.
    private sealed record PolicyRun(double Throughput, double HitRate, double[] SlotBusySeconds);

    // ~3,000 tokens of deterministic reference text per problem: the shared prefix of its turns.
    private static string Context(int problem)
    {
        var builder = new StringBuilder();
        var random = new Random(problem);
        for (var i = 0; i < 300; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"fact {problem}.{i}: value {random.Next(1000)} ; ");
        }

        return builder.ToString();
    }

    // CPU per agent-to-agent message: pairs of agent grains on two silos ping each other (zero-latency, no model); also a
    // solver-agent call from the client that samples from the zero-latency simulated model.
    private async Task<Dictionary<string, double>> HopAsync()
    {
        var messages = quick ? 20_000 : 200_000;
        const int pairs = 8;
        await using var cluster = await BenchCluster.StartAsync(1, new() { ["Agents:Models:Default"] = "sim" }, _ => []);
        var (hopCpu, hopRate) = await MeasureAsync(
            messages,
            pairs,
            (pair, count) => cluster.Client.GetGrain<IHopGrain>(pair).RelayAsync(1_000 + pair, count, 16));
        var solver = cluster.Client.GetGrain<ISolverGrain>(0);
        var request = new SolveRequest("hop", "p1", "What is 2 + 3?", 1, 0.8, 0.95, 1000, "", 0, 1);
        var (solverCpu, solverRate) = await MeasureAsync(
            quick ? 2_000 : 20_000,
            64,
            async (lane, count) =>
            {
                for (var i = 0; i < count; i++)
                {
                    await solver.SolveAsync(request with { Round = (lane * count) + i });
                }
            });
        log.WriteLine($"   agent-to-agent ping: {hopCpu:F1} µs CPU, {hopRate:F0}/s; client → solver call with sim sampling: {solverCpu:F1} µs CPU, {solverRate:F0}/s");
        return new()
        {
            ["hop_us_per_message"] = Math.Round(hopCpu, 1),
            ["hop_messages_per_second"] = Math.Round(hopRate, 0),
            ["hop_solver_call_us"] = Math.Round(solverCpu, 1),
        };
    }

    // Runs `lanes` senders of messages / lanes messages each (after a warm-up of a tenth), measuring process CPU and wall time.
    private static async Task<(double CpuMicroseconds, double PerSecond)> MeasureAsync(int messages, int lanes, Func<int, int, Task> send)
    {
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => send(lane, Math.Max(1, messages / lanes / 10))));
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => send(lane, messages / lanes)));
        var wall = stopwatch.Elapsed;
        process.Refresh();
        var sent = messages / lanes * lanes;
        return ((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / sent, sent / wall.TotalSeconds);
    }

    // Prompt tokens prefilled per problem: k samples as one n = k request vs k requests (prefix cache off).
    private async Task<Dictionary<string, double>> NBatchAsync()
    {
        const int k = 8;
        var problems = SyntheticProblems.Generate(quick ? 20 : 100, seed: 3).ToArray();
        var prefilled = new Dictionary<bool, double>();
        foreach (var preferN in new[] { true, false })
        {
            using var latency = new SimulatedLatency(new SimulatedLatencyOptions());
            var client = SimulatedBackend.Create(latency: latency);
            foreach (var problem in problems)
            {
                await client.SampleAsync(
                    [new ChatMessage(ChatRole.User, problem.Question)], new ChatOptions { Temperature = 0.8f }, k, baseSeed: 1, preferN, default);
            }

            prefilled[preferN] = (double)latency.PrefillTokens / problems.Length;
            log.WriteLine($"   {(preferN ? "n = k, one request" : "k requests")}: {prefilled[preferN]:F1} prompt tokens prefilled per problem");
        }

        return new()
        {
            ["nbatch_prefill_ratio"] = Math.Round(prefilled[true] / prefilled[false], 4),
            ["nbatch_k"] = k,
        };
    }
}
