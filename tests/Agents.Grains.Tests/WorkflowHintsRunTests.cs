using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>Problem runs on an OpenAI-compatible server send their session key when <c>Agents:Models:Hints:SessionHeader</c> is set.</summary>
public sealed class WorkflowHintsRunTests
{
    [Fact]
    public async Task SelfRefineRuns_EveryModelRequestCarriesItsRunsSessionKey()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());
        await using var cluster = await AgentsTestCluster.StartAsync(1, _ => ClusterFixture.With(new Dictionary<string, string?>
        {
            ["Agents:Models:Default"] = server.ModelSpec,
            ["Agents:Models:Hints:SessionHeader"] = "x-session-id",
        }));
        var problems = SyntheticProblems.Generate(2, seed: 17).ToList();

        var counts = new List<int>();
        foreach (var problem in problems)
        {
            var before = server.Stats.Recent.Count;
            var run = cluster.Client.GetGrain<IProblemRunGrain>($"job-hints/{problem.Id}");
            await run.RunAsync(new RunRequest("job-hints", problem, StrategyDefaults.Create(StrategyNames.SelfRefine)));
            var requests = server.Stats.Recent.Skip(before).ToList();
            Assert.NotEmpty(requests);
            Assert.All(requests, r => Assert.Equal(WorkflowHints.SessionKeyFor("job-hints", problem.Id), r.SessionId));
            counts.Add(requests.Count);
        }

        Assert.Equal(counts.Sum(), server.Stats.SessionRequests);
        Assert.Equal(2, server.Stats.Sessions);
    }
}
