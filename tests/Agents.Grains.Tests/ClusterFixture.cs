using Agents.Testing;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>Two in-process silos built with the production <c>AddAgents()</c> (memory storage, simulated model).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Settings every silo of the test cluster gets: fast retries so failure tests stay short.</summary>
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Agents:Models:Default"] = "sim",
        // The tests are the operator here (they start model servers on free ports); the allow-list is tested on silo processes.
        ["Agents:Models:AllowClientSpecs"] = "true",
        ["Agents:Models:Retry:MaxRetryAttempts"] = "2",
        ["Agents:Models:Retry:BaseDelayMs"] = "10",
        ["Agents:Models:Retry:MaxDelayMs"] = "50",
        ["Agents:Models:Retry:AttemptTimeoutMs"] = "2000",
    };

    /// <summary>These settings with <paramref name="more"/> added (later keys win), for a cluster of a test's own.</summary>
    public static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> more)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The test cluster's client.</summary>
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await AgentsTestCluster.StartAsync(2, _ => Settings);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Tests sharing one test cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "cluster";
}
