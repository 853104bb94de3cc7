using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>
/// Grain calls inside a silo (run → agent, job → run) wait <c>Agents:Cluster:CallTimeout</c> (30 min by default), not
/// Orleans' 30 s, which a run phase or a model call on a real model easily exceeds.
/// </summary>
public sealed class CallTimeoutTests
{
    [Fact]
    public async Task Silo_Default_GrainCallsWaitThirtyMinutes()
    {
        await using var cluster = await StartAsync(new Dictionary<string, string?>());

        var options = cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(30), options.ResponseTimeout);
    }

    [Fact]
    public async Task Silo_ShortCallTimeout_RunWhoseSolverCallIsSlowerTimesOut()
    {
        // 40 decoded tokens per second: one simulated solution takes several seconds, the configured limit is 1 s.
        await using var cluster = await StartAsync(new Dictionary<string, string?>
        {
            ["Agents:Cluster:CallTimeout"] = "00:00:01",
            ["Agents:Simulation:Latency:DecodeTokensPerSecond"] = "40",
            ["Agents:Models:Retry:AttemptTimeoutMs"] = "60000", // the model client would wait; the grain call must not
        });
        var problem = SyntheticProblems.Generate(1, seed: 41).First();
        var run = cluster.Client.GetGrain<IProblemRunGrain>($"job-timeout/{problem.Id}");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => run.RunAsync(new RunRequest("job-timeout", problem, StrategyDefaults.Create(StrategyNames.Cot))));

        Assert.IsType<TimeoutException>(error);
        Assert.Contains("00:00:01", error.Message, StringComparison.Ordinal);
    }

    private static Task<InProcessTestCluster> StartAsync(Dictionary<string, string?> settings) =>
        AgentsTestCluster.StartAsync(1, _ => ClusterFixture.With(settings));
}
