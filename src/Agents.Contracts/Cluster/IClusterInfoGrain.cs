namespace Agents.Contracts.Cluster;

/// <summary>Reports the cluster's silos with their roles and metadata, as seen from one silo.</summary>
[Alias("agents.cluster-info")]
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    /// <summary>Every active silo with its metadata and its agent activations by grain type.</summary>
    [Alias("silos")]
    Task<ImmutableArray<SiloInfo>> GetSilosAsync();
}

/// <summary>One silo as <c>agents cluster status</c> shows it.</summary>
/// <param name="Address">The silo address.</param>
/// <param name="Name">The silo name.</param>
/// <param name="Status">Membership status.</param>
/// <param name="Metadata">Silo metadata (Orleans:Metadata), e.g. role=cpu, gpu=true.</param>
/// <param name="Activations">Activation counts by grain type.</param>
[GenerateSerializer, Immutable, Alias("agents.silo-info.v1")]
public sealed record SiloInfo(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] ImmutableDictionary<string, string> Metadata,
    [property: Id(4)] ImmutableDictionary<string, int> Activations);
