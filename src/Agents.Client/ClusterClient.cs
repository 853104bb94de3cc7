using Agents.Contracts.Cluster;
using Agents.Contracts.Inference;

namespace Agents.Client;

/// <summary>What the cluster looks like: silos with their roles and metadata, and the load of every model replica.</summary>
public sealed class ClusterClient(IGrainFactory grains)
{
    /// <summary>Every active silo with its metadata and activations.</summary>
    public Task<ImmutableArray<SiloInfo>> GetSilosAsync() => grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();

    /// <summary>The load of every model replica the gpu silos advertise (replica i of a model is <c>model/i</c>).</summary>
    public async Task<IReadOnlyList<ReplicaLoad>> ReplicaLoadsAsync(IEnumerable<SiloInfo> silos)
    {
        var replicas = silos.SelectMany(s => GpuSiloMetadata.Models(s.Metadata))
            .GroupBy(m => m.Id, StringComparer.Ordinal)
            .SelectMany(g => Enumerable.Range(0, g.Sum(m => m.Replicas)).Select(i => GpuSiloMetadata.ReplicaKey(g.Key, i)));
        return await Task.WhenAll(replicas.Select(r => grains.GetGrain<IInferenceGrain>(r).GetLoadAsync()));
    }
}
