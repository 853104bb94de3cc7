using Agents.Grains.Inference;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Agents.Testing;

namespace Agents.Grains.Tests.Inference;

/// <summary>
/// Three in-process silos built with the production <c>AddAgents()</c>: Silo_0 is a cpu silo, Silo_1 and Silo_2 are gpu
/// silos hosting <c>sim</c> (2 replicas of capacity 2 each), <c>burst</c> and <c>flaky</c> (whose backend on Silo_2 is a server
/// that is not running until a test starts it); only Silo_1 hosts <c>tight</c>
/// (1 replica, capacity 2, queue 4, served by a sim server whose replies a test can hold with <see cref="TightGate"/>) and <c>story</c> (the shared stories260K GGUF model, in-process); both host <c>pair</c> (1 replica each, capacity 1, whose replies to prompts containing "hold" a test can hold with <see cref="PairGate"/>). Agents' model calls go through the replicas (<c>Agents:Gpu:Routing=Always</c>).
/// </summary>
public sealed class GpuClusterFixture : IAsyncLifetime
{
    /// <summary>The model every gpu silo hosts.</summary>
    public const string Model = "sim";

    /// <summary>The port of Silo_2's <c>flaky</c> backend: nothing listens there until a test starts a sim server.</summary>
    public int FlakyPort { get; } = Agents.Testing.FreePort.Next();

    /// <summary>Holds the <c>tight</c> model's replies while closed (open unless a test closes it).</summary>
    public HoldGate TightGate { get; } = new();

    /// <summary>Holds the <c>pair</c> model's replies to prompts containing "hold" while closed (open unless a test closes it).</summary>
    public HoldGate PairGate { get; } = new(promptContains: "hold");

    private SimServer? _tightServer;
    private SimServer? _pairServer;

    /// <summary>The shared GGUF model Silo_1 serves as <c>story</c>, or null when absent on this machine.</summary>
    public static string? StoryModelPath =>
        Agents.Testing.SharedData.SharedRoot is { } root && Path.Combine(root, "models", "stories260K.gguf") is var path && File.Exists(path) ? path : null;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The test cluster's client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The cpu silo.</summary>
    public InProcessSiloHandle CpuSilo => Cluster.Silos.Single(s => s.Name == "Silo_0");

    /// <summary>The gpu silos' addresses.</summary>
    public IReadOnlyList<string> GpuSilos => [.. Cluster.Silos.Where(s => s.Name != "Silo_0").Select(s => s.SiloAddress.ToString())];

    /// <summary>The router of a silo.</summary>
    public InferenceRouter Router(InProcessSiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<InferenceRouter>();

    public async Task InitializeAsync()
    {
        _tightServer = await SimServer.StartAsync(new SimServerOptions(), TightGate.Wrap(SimulatedBackend.Create()));
        var tight = _tightServer.ModelSpec;
        _pairServer = await SimServer.StartAsync(new SimServerOptions(), PairGate.Wrap(SimulatedBackend.Create()));
        var pair = _pairServer.ModelSpec;
        // Silo_2's flaky backend is down until a test starts it, and story is absent where the shared model is.
        Cluster = await AgentsTestCluster.StartGpuAsync(
            2,
            index => Settings(AgentsTestCluster.SiloName(index), FlakyPort, tight, pair),
            awaitHealthy: (silo, model) => model.Id switch
            {
                "flaky" => silo == 1,
                "story" => StoryModelPath is not null,
                _ => true,
            });
    }

    public async Task DisposeAsync()
    {
        TightGate.Open();
        PairGate.Open();
        await Cluster.DisposeAsync();
        foreach (var server in new[] { _tightServer, _pairServer })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static Dictionary<string, string?> Settings(string siloName, int flakyPort, string tight, string pair)
    {
        var settings = new Dictionary<string, string?>(ClusterFixture.Settings)
        {
            ["Agents:Gpu:Routing"] = "Always",
            ["Agents:Gpu:QueueDeadlineMs"] = "20000",
            ["Agents:Gpu:HealthCheckIntervalMs"] = "200",
            ["Agents:Simulation:Latency:DecodeTokensPerSecond"] = "4000",
        };
        if (siloName != "Silo_0")
        {
            settings["Orleans:Metadata:models"] = siloName == "Silo_1" ? "sim,burst,tight,flaky,story,pair" : "sim,burst,flaky,pair";
            settings["Orleans:Metadata:model.story"] = "gguf:" + (StoryModelPath ?? "/absent/stories260K.gguf");
            settings["Orleans:Metadata:capacity.story"] = "2";
            settings["Orleans:Metadata:model.flaky"] = siloName == "Silo_1" ? "sim" : $"openai:http://127.0.0.1:{flakyPort}/v1#sim";
            settings["Orleans:Metadata:capacity.sim"] = "2";
            settings["Orleans:Metadata:replicas.sim"] = "2";
            settings["Orleans:Metadata:model.burst"] = "sim";
            settings["Orleans:Metadata:replicas.burst"] = "20";
            settings["Orleans:Metadata:model.tight"] = tight;
            settings["Orleans:Metadata:capacity.tight"] = "2";
            settings["Orleans:Metadata:queue.tight"] = "4";
            settings["Orleans:Metadata:model.pair"] = pair;
            settings["Orleans:Metadata:capacity.pair"] = "1";
            settings["Orleans:Metadata:queue.pair"] = "8";
        }

        return settings;
    }
}

/// <summary>Tests sharing the gpu test cluster.</summary>
[CollectionDefinition(Name)]
public sealed class GpuClusterCollection : ICollectionFixture<GpuClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "gpu-cluster";
}
