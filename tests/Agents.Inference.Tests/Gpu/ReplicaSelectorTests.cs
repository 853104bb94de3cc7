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
    public void Affinity_HotHome_NoReplicaExceedsTheBound()
    {
        // The hot spot of a skewed workload: 400 keys whose home is the same replica arrive and stay in flight.
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity, epsilon: 0.25);
        var hot = Enumerable.Range(0, 20_000).Select(i => $"p{i}").Where(k => selector.Home(k) == 0).Take(400).ToArray();
        var loads = new int[Replicas.Length];

        foreach (var key in hot)
        {
            var total = loads.Sum();
            var pick = selector.Select(key, i => loads[i]);
            // The rule itself: a replica takes the key only while its load + 1 ≤ ⌈(1 + ε) × (total + 1) / n⌉.
            Assert.True(loads[pick] + 1 <= Math.Ceiling(1.25 * (total + 1) / Replicas.Length), $"{key} went to replica {pick} at load {loads[pick]}");
            loads[pick]++;
        }

        // 400 keys over 4 replicas: the home holds at most ⌈1.25 × 100⌉ = 125, and every replica took a share.
        Assert.Equal(125, loads[0]);
        Assert.All(loads, l => Assert.InRange(l, 1, 125));
    }

    [Fact]
    public void Affinity_HeavyKeysWithinBound_StayHome()
    {
        // Heavy problems keep their prefix cache: while their home is within the bound, every turn goes home.
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity, epsilon: 0.25);
        var loads = new[] { 5, 4, 4, 4 };
        var heavy = Enumerable.Range(0, 200).Select(i => $"heavy{i}").Where(k => selector.Home(k) == 0).Take(10).ToArray();

        // Bound = ⌈1.25 × 18 / 4⌉ = 6 ≥ 5 + 1.
        Assert.All(heavy, k => Assert.Equal(0, selector.Select(k, i => loads[i])));
    }

    [Fact]
    public void Affinity_SpilledKey_TakesTheNextReplicaOnItsRing()
    {
        // A spill is deterministic (the next distinct replica clockwise), so a spilled problem's turns land on one
        // second replica and keep a warm cache there too.
        var selector = new ReplicaSelector(Replicas, RoutingPolicy.Affinity, epsilon: 0.25);
        var home = selector.Home("family-3");
        int Load(int i) => i == home ? 20 : 0;

        var picks = Enumerable.Range(0, 10).Select(_ => selector.Select("family-3", Load)).Distinct().ToArray();

        Assert.Single(picks);
        Assert.NotEqual(home, picks[0]);
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
