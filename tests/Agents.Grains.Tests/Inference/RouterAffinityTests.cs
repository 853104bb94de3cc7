using System.Collections.Immutable;
using Agents.Contracts.Inference;
using Agents.Inference.Gpu;

namespace Agents.Grains.Tests.Inference;

/// <summary>
/// Affinity routing on a cluster of its own: load reports another test's burst leaves on shared replicas would count
/// against the bound and move turns off their home replica, so this class does not share the collection's cluster.
/// </summary>
public sealed class RouterAffinityTests(GpuClusterFixture fixture) : IClassFixture<GpuClusterFixture>
{
    private static readonly ImmutableArray<InferenceMessage> Prompt = [new("user", "What is 12 + 30? Reason step by step.")];

    [Fact]
    public async Task Router_TurnsOfOneProblem_StayOnItsHomeReplica()
    {
        var router = fixture.Router(fixture.CpuSilo);
        var home = new ReplicaSelector(router.Replicas("sim"), RoutingPolicy.Affinity);
        var problems = Enumerable.Range(0, 8).Select(i => $"problem-{i}").ToArray();
        var seen = problems.ToDictionary(p => p, _ => new HashSet<string>());

        // Problems interleave turn by turn but one request at a time, so no replica is above the bound and none spills
        // (spilling under load is covered by ReplicaSelectorTests).
        for (var turn = 0; turn < 5; turn++)
        {
            foreach (var p in problems)
            {
                var response = await router.SendAsync(new InferenceRequest("sim", Prompt, Seed: turn, AffinityKey: p), RoutingPolicy.Affinity);
                seen[p].Add(response.Replica);
            }
        }

        Assert.All(problems, p => Assert.Equal([home.Replicas[home.Home(p)]], seen[p]));
        Assert.True(seen.Values.Select(s => s.Single()).Distinct().Count() > 1, "eight problems should not all hash to one replica");
    }
}
