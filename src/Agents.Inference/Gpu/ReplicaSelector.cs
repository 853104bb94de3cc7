using System.IO.Hashing;
using System.Text;

namespace Agents.Inference.Gpu;

/// <summary>
/// Picks a replica for a request. <see cref="RoutingPolicy.Affinity"/> is consistent hashing with bounded loads
/// (Mirrokni, Thorup and Zadimoghaddam 2018): a key's home is the first replica clockwise from its hash on a ring of
/// virtual nodes, and a replica is skipped while its load + 1 exceeds ⌈(1 + ε) × (total load + 1) / replicas⌉.
/// Thread-safe; one instance per replica set.
/// </summary>
public sealed class ReplicaSelector
{
    /// <summary>Virtual nodes per replica on the ring.</summary>
    public const int VirtualNodes = 64;

    private readonly (ulong Hash, int Replica)[] _ring;
    private int _next = -1;

    /// <summary>Creates a selector over <paramref name="replicas"/> (their keys name the ring's nodes).</summary>
    public ReplicaSelector(IReadOnlyList<string> replicas, RoutingPolicy policy, double epsilon = 0.25)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentOutOfRangeException.ThrowIfZero(replicas.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Replicas = replicas;
        Policy = policy;
        Epsilon = epsilon;
        _ring = [.. replicas
            .SelectMany((name, i) => Enumerable.Range(0, VirtualNodes).Select(v => (Hash($"{name}#{v}"), i)))
            .OrderBy(n => n.Item1)];
    }

    /// <summary>The replica keys, by index.</summary>
    public IReadOnlyList<string> Replicas { get; }

    /// <summary>The policy.</summary>
    public RoutingPolicy Policy { get; }

    /// <summary>The load slack ε of the affinity policy.</summary>
    public double Epsilon { get; }

    /// <summary>A stable 64-bit hash of a key (XxHash64 of its UTF-8 bytes).</summary>
    public static ulong Hash(string key) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key ?? string.Empty));

    /// <summary>The affinity key's home replica when loads are equal.</summary>
    public int Home(string affinityKey) => _ring[RingStart(Hash(affinityKey))].Replica;

    /// <summary>Picks a replica index.</summary>
    /// <param name="affinityKey">The request's problem/run key (affinity policy; null falls back to least-loaded).</param>
    /// <param name="load">Requests in flight at replica i.</param>
    /// <param name="excluded">Replicas not to use now (unhealthy or just refused); ignored when it excludes all.</param>
    public int Select(string? affinityKey, Func<int, int> load, Func<int, bool>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(load);
        var usable = Enumerable.Range(0, Replicas.Count).Where(i => excluded is null || !excluded(i)).ToArray();
        if (usable.Length == 0)
        {
            usable = [.. Enumerable.Range(0, Replicas.Count)];
        }

        switch (Policy)
        {
            case RoutingPolicy.RoundRobin:
                return usable[(int)((uint)Interlocked.Increment(ref _next) % (uint)usable.Length)];
            case RoutingPolicy.Affinity when affinityKey is not null:
                return Bounded(affinityKey, load, usable);
            default:
                var loads = usable.Select(i => (Index: i, Load: load(i))).ToArray();
                var min = loads.Min(l => l.Load);
                // Ties (an idle fleet, a burst of fast requests) rotate, so equal loads get equal shares.
                var best = loads.Where(l => l.Load == min).ToArray();
                return best[(int)((uint)Interlocked.Increment(ref _next) % (uint)best.Length)].Index;
        }
    }

    private int Bounded(string affinityKey, Func<int, int> load, int[] usable)
    {
        var total = usable.Sum(i => (long)load(i));
        var bound = (long)Math.Ceiling((1 + Epsilon) * (total + 1) / usable.Length);
        var start = RingStart(Hash(affinityKey));
        var seen = new HashSet<int>();
        for (var step = 0; step < _ring.Length && seen.Count < Replicas.Count; step++)
        {
            var replica = _ring[(start + step) % _ring.Length].Replica;
            if (!seen.Add(replica) || Array.IndexOf(usable, replica) < 0)
            {
                continue;
            }

            if (load(replica) + 1 <= bound)
            {
                return replica;
            }
        }

        // Unreachable while loads are consistent (some replica is at or below the mean); keep the home replica.
        return usable.MinBy(load);
    }

    private int RingStart(ulong hash)
    {
        int lo = 0, hi = _ring.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_ring[mid].Hash < hash)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo == _ring.Length ? 0 : lo;
    }
}
