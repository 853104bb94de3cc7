using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
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
    public static async Task<BenchCluster> StartAsync(int gpuSilos, Dictionary<string, string?> common, Func<int, Dictionary<string, string?>> gpuSettings)
    {
        var builder = new InProcessTestClusterBuilder((short)(gpuSilos + 1));
        builder.ConfigureSiloHost((options, host) =>
        {
            var index = int.Parse(options.SiloName.AsSpan("Silo_".Length), System.Globalization.CultureInfo.InvariantCulture);
            var settings = new Dictionary<string, string?>(common)
            {
                ["Orleans:Metadata:gpu"] = index == 0 ? "false" : "true",
                ["Agents:Gpu:HealthCheckIntervalMs"] = "0",
            };
            if (index > 0)
            {
                foreach (var (key, value) in gpuSettings(index))
                {
                    settings[key] = value;
                }
            }

            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        builder.ConfigureSilo((_, silo) => silo.AddAgents());
        builder.ConfigureClient(client => client.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var bench = new BenchCluster(cluster);
        await bench.WaitForMetadataAsync();
        return bench;
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    private Task WaitForMetadataAsync() =>
        Eventually.UntilAsync(
            () => Cluster.Silos.All(viewer => Cluster.Silos.All(s =>
                Services(viewer).GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(s.SiloAddress).Metadata.ContainsKey("gpu"))),
            TimeSpan.FromSeconds(30), "silo metadata propagated to every silo");
}
