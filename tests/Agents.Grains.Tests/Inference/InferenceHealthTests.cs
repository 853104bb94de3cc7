using System.Collections.Immutable;
using Agents.Contracts.Inference;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;

namespace Agents.Grains.Tests.Inference;

[Collection(GpuClusterCollection.Name)]
public sealed class InferenceHealthTests(GpuClusterFixture fixture)
{
    private static readonly ImmutableArray<InferenceMessage> Prompt = [new("user", "What is 1 + 1?")];

    [Fact]
    public async Task Health_BackendDown_SiloStopsAdvertisingModelUntilItRecovers()
    {
        var router = fixture.Router(fixture.CpuSilo);
        var downSilo = fixture.Cluster.Silos.Single(s => s.Name == "Silo_2").SiloAddress.ToString();

        await WaitUntilAsync(() => router.Replicas("flaky").Length == 1, "Silo_2 should stop advertising 'flaky'");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => router.SendAsync(new InferenceRequest("flaky", Prompt, Seed: i))));
        Assert.All(responses, r => Assert.NotEqual(downSilo, r.Silo));

        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = fixture.FlakyPort }, SimulatedBackend.Create());
        await WaitUntilAsync(() => router.Replicas("flaky").Length == 2, "Silo_2 should advertise 'flaky' again");
        var loads = await router.LoadsAsync("flaky");
        Assert.All(loads, l => Assert.True(l.Healthy));
    }

    [Fact]
    public async Task HealthGrain_Reports_LastReportOfAPairWinsAndAnUnreportedPairIsInNeitherList()
    {
        var grain = fixture.Client.GetGrain<IInferenceHealthGrain>(0);
        await grain.ReportAsync("health-grain-test", "silo-a", healthy: true);
        await grain.ReportAsync("health-grain-test", "silo-b", healthy: true);
        await grain.ReportAsync("health-grain-test", "silo-b", healthy: false);

        var healthy = await grain.GetHealthyAsync();
        var unhealthy = await grain.GetUnhealthyAsync();
        Assert.Contains("health-grain-test@silo-a", healthy);
        Assert.DoesNotContain("health-grain-test@silo-a", unhealthy);
        Assert.Contains("health-grain-test@silo-b", unhealthy);
        Assert.DoesNotContain("health-grain-test@silo-b", healthy);
        Assert.DoesNotContain(healthy.Concat(unhealthy), k => k == "health-grain-test@silo-c");
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Eventually.UntilAsync(condition, TimeSpan.FromSeconds(20), what);
}
