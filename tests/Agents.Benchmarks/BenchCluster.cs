using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Agents.Benchmarks;

/// <summary>An in-process cluster for one benchmark: Silo_0 is a cpu silo, Silo_1..Silo_g are gpu silos.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private BenchCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public InProcessSiloHandle CpuSilo => Cluster.Silos.Single(s => s.Name == "Silo_0");

    public IReadOnlyList<InProcessSiloHandle> GpuSilos => [.. Cluster.Silos.Where(s => s.Name != "Silo_0").OrderBy(s => s.Name, StringComparer.Ordinal)];

    public IServiceProvider Services(InProcessSiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress);

    /// <summary>Starts 1 + <paramref name="gpuSilos"/> silos; <paramref name="gpuSettings"/>(i) adds gpu silo i's settings (1-based).</summary>
    /// <param name="configure">More of each silo's composition (a call filter), or null.</param>
    public static async Task<BenchCluster> StartAsync(
        int gpuSilos, Dictionary<string, string?> common, Func<int, Dictionary<string, string?>> gpuSettings, Action<IHostApplicationBuilder>? configure = null)
    {
        var cluster = await AgentsTestCluster.StartGpuAsync(
            gpuSilos,
            index =>
            {
                var settings = new Dictionary<string, string?>(common) { ["Agents:Gpu:HealthCheckIntervalMs"] = "0" };
                if (index > 0)
                {
                    foreach (var (key, value) in gpuSettings(index))
                    {
                        settings[key] = value;
                    }
                }

                return settings;
            },
            host =>
            {
                host.Logging.SetMinimumLevel(LogLevel.Warning);
                configure?.Invoke(host);
            },
            client => client.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)));
        return new BenchCluster(cluster);
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
