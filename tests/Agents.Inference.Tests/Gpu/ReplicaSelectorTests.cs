using Agents.Inference.Gpu;

namespace Agents.Inference.Tests.Gpu;

public sealed class ReplicaSelectorTests
{
    private static readonly string[] Replicas = ["m/0", "m/1", "m/2", "m/3"];

    [Fact]
    public void Affinity_EqualLoads_SameKeyAlwaysHome()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity);

        var picks = Enumerable.Range(0, 20).Select(_ => selector.Select("problem-7", _ => 1)).Distinct().ToArray();

        Assert.Equal([selector.Home("problem-7")], picks);
    }

    [Fact]
    public void Affinity_KeysSpreadOverReplicas()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity);

        var counts = Enumerable.Range(0, 4000).GroupBy(i => selector.Home($"p{i}")).Select(g => g.Count()).ToArray();

        Assert.Equal(4, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 700, 1300));
    }

    [Fact]
    public void Affinity_HomeAboveBound_SpillsToAnotherReplica()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity, epsilon: 0.25);
        var home = selector.Home("problem-1");
        int Load(int i) => i == home ? 10 : 2;

        var pick = selector.Select("problem-1", Load);

        // Bound = ceil(1.25 × (16 + 1) / 4) = 6: the home replica (10) is over it, the others (2) are not.
        Assert.NotEqual(home, pick);
        Assert.Equal(home, selector.Select("problem-1", i => i == home ? 3 : 2)); // bound = ceil(1.25 × 10 / 4) = 4 ≥ 3 + 1
    }

    [Fact]
    public void Affinity_ExcludedHome_Spills()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity);
        var home = selector.Home("k");

        Assert.NotEqual(home, selector.Select("k", _ => 0, i => i == home));
    }

    [Fact]
    public void RoundRobin_CyclesThroughReplicas()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.RoundRobin);

        var picks = Enumerable.Range(0, 8).Select(_ => selector.Select("same", _ => 0)).ToArray();

        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], picks);
    }

    [Fact]
    public void LeastLoaded_PicksMinimum()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.LeastLoaded);

        Assert.Equal(2, selector.Select("k", i => i == 2 ? 0 : 3));
    }

    [Fact]
    public void LeastLoaded_TiedLoads_TakenInTurn()
    {
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.LeastLoaded);

        var picks = Enumerable.Range(0, 8).Select(_ => selector.Select(null, i => i == 3 ? 5 : 0)).ToArray();

        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1], picks);
    }
}
