using System.Globalization;
using Agents.Contracts.Inference;
using Agents.Grains.Inference;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;

namespace Agents.Testing;

/// <summary>
/// In-process test clusters built with the production <c>AddAgents()</c>, shared by the grain tests and the benchmarks.
/// Silos are named <c>Silo_0</c>, <c>Silo_1</c>, …; a gpu cluster makes Silo_0 the cpu silo and the others gpu silos.
/// </summary>
public static class AgentsTestCluster
{
    /// <summary>The name of silo <paramref name="index"/> (the test host names them so).</summary>
    public static string SiloName(int index) => $"Silo_{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The index in a silo's name (<c>Silo_2</c> → 2).</summary>
    public static int SiloIndex(string siloName)
    {
        ArgumentNullException.ThrowIfNull(siloName);
        return int.Parse(siloName.AsSpan("Silo_".Length), CultureInfo.InvariantCulture);
    }

    /// <summary>Starts <paramref name="silos"/> silos, each with the settings <paramref name="settings"/> gives for its index.</summary>
    /// <param name="silos">How many silos.</param>
    /// <param name="settings">Silo i's configuration.</param>
    /// <param name="time">The silos' clock (registered as their <see cref="TimeProvider"/>, e.g. a FakeTimeProvider), or null for the system clock.</param>
    /// <param name="configure">More of the silo host's composition (logging), or null.</param>
    /// <param name="client">More of the test client's composition, or null.</param>
    public static async Task<InProcessTestCluster> StartAsync(
        int silos, Func<int, IReadOnlyDictionary<string, string?>> settings, TimeProvider? time = null,
        Action<IHostApplicationBuilder>? configure = null, Action<IClientBuilder>? client = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new InProcessTestClusterBuilder(checked((short)silos));
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings(SiloIndex(options.SiloName)));
            configure?.Invoke(host);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAgents();
            if (time is not null)
            {
                // After AddAgents, so it replaces the system clock: the grains, the driver's grain timers and backoffs follow it.
                silo.Services.AddSingleton(time);
            }
        });
        if (client is not null)
        {
            builder.ConfigureClient(client);
        }

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// Starts 1 + <paramref name="gpuSilos"/> silos: Silo_0 a cpu silo, the others gpu silos (<c>Orleans:Metadata:gpu</c>), and
    /// waits until every silo sees every silo's role (the metadata cache fills asynchronously after membership changes) and,
    /// where health checks run, until every gpu silo's models have been reported healthy and no silo's placement view still
    /// holds them as unhealthy (a cold start's first probes may time out and withdraw a model for a moment).
    /// </summary>
    /// <param name="gpuSilos">How many gpu silos.</param>
    /// <param name="settings">Silo i's further configuration (0 is the cpu silo).</param>
    /// <param name="configure">More of the silo host's composition (logging), or null.</param>
    /// <param name="client">More of the test client's composition, or null.</param>
    /// <param name="awaitHealthy">Which of gpu silo i's models to wait for (default: all); leave out a model whose backend a test brings up or down itself.</param>
    public static async Task<InProcessTestCluster> StartGpuAsync(
        int gpuSilos, Func<int, IReadOnlyDictionary<string, string?>> settings, Action<IHostApplicationBuilder>? configure = null,
        Action<IClientBuilder>? client = null, Func<int, HostedModel, bool>? awaitHealthy = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var cluster = await StartAsync(
            gpuSilos + 1,
            index => new Dictionary<string, string?>(settings(index)) { ["Orleans:Metadata:gpu"] = index == 0 ? "false" : "true" },
            configure: configure,
            client: client);
        try
        {
            await Eventually.UntilAsync(
                () => cluster.Silos.All(viewer =>
                {
                    var cache = cluster.GetSiloServiceProvider(viewer.SiloAddress).GetRequiredService<ISiloMetadataCache>();
                    return cluster.Silos.All(s => cache.GetSiloMetadata(s.SiloAddress).Metadata.ContainsKey("gpu"));
                }),
                TimeSpan.FromSeconds(30), "silo metadata on every silo");
            await WaitForHealthyModelsAsync(cluster, awaitHealthy ?? ((_, _) => true));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    // Placement and routing drop a (model, silo) pair while the silo's ModelHealthView, refreshed from IInferenceHealthGrain,
    // holds it as unhealthy; so the wait is on that grain (a healthy report arrived) and on every silo's view (none is stale).
    private static async Task WaitForHealthyModelsAsync(InProcessTestCluster cluster, Func<int, HostedModel, bool> awaitHealthy)
    {
        var expected = cluster.Silos
            .Where(s => SiloIndex(s.Name) > 0)
            .Where(s => Services(cluster, s).GetRequiredService<IOptions<GpuInferenceOptions>>().Value.HealthCheckIntervalMs > 0)
            .SelectMany(s => GpuSiloMetadata.Models(Services(cluster, s).GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(s.SiloAddress).Metadata)
                .Where(m => awaitHealthy(SiloIndex(s.Name), m))
                .Select(m => (m.Id, s.SiloAddress)))
            .ToArray();
        if (expected.Length == 0)
        {
            return;
        }

        var views = cluster.Silos.Select(s => Services(cluster, s).GetRequiredService<ModelHealthView>()).ToArray();
        var healthGrain = cluster.Client.GetGrain<IInferenceHealthGrain>(0);
        await Eventually.UntilAsync(
            async () =>
            {
                var reported = (await healthGrain.GetHealthyAsync()).ToHashSet(StringComparer.Ordinal);
                return string.Join(", ", expected
                    .Where(e => !reported.Contains(ModelHealthView.Key(e.Id, e.SiloAddress.ToString())) || views.Any(v => v.IsUnhealthy(e.Id, e.SiloAddress)))
                    .Select(e => ModelHealthView.Key(e.Id, e.SiloAddress.ToString())));
            },
            notHealthy => notHealthy.Length == 0,
            TimeSpan.FromSeconds(60),
            "every gpu silo's models reported healthy in every silo's placement view");
    }

    private static IServiceProvider Services(InProcessTestCluster cluster, InProcessSiloHandle silo) => cluster.GetSiloServiceProvider(silo.SiloAddress);
}
