using Agents.Contracts.Cluster;
using Agents.Contracts.Inference;

namespace Agents.Dashboard.Services;

/// <summary>The cluster as the overview and cluster pages show it: silos with roles and models, GPU replicas with their load.</summary>
public sealed record ClusterSnapshot(ImmutableArray<SiloInfo> Silos, IReadOnlyList<ReplicaLoad> Replicas);

/// <summary>Reads the cluster's silos and replica loads (the same grains <c>agents cluster status</c> asks).</summary>
public sealed class ClusterView(IGrainFactory grains)
{
    /// <summary>Silos and the load of every model replica the GPU silos advertise (replica i of a model is <c>model/i</c>).</summary>
    public async Task<ClusterSnapshot> ReadAsync()
    {
        var silos = await grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
        var keys = silos.SelectMany(s => GpuSiloMetadata.Models(s.Metadata))
            .GroupBy(m => m.Id, StringComparer.Ordinal)
            .SelectMany(g => Enumerable.Range(0, g.Sum(m => m.Replicas)).Select(i => GpuSiloMetadata.ReplicaKey(g.Key, i)));
        var replicas = await Task.WhenAll(keys.Select(k => grains.GetGrain<IInferenceGrain>(k).GetLoadAsync()));
        return new ClusterSnapshot(silos, [.. replicas.OrderBy(r => r.Silo, StringComparer.Ordinal).ThenBy(r => r.Replica, StringComparer.Ordinal)]);
    }

    /// <summary>The share of a replica's capacity in use, 0..1.</summary>
    public static double Busy(ReplicaLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return load.Capacity <= 0 ? 0 : Math.Clamp((double)load.Active / load.Capacity, 0, 1);
    }
}
