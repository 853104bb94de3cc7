using Agents.Contracts.Cluster;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Agents.Grains.Cluster;

/// <summary>Reads membership, silo metadata and grain statistics for <c>agents cluster status</c>.</summary>
[StatelessWorker]
public sealed class ClusterInfoGrain(ISiloMetadataCache metadata) : Grain, IClusterInfoGrain
{
    public async Task<ImmutableArray<SiloInfo>> GetSilosAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var silos = hosts.Select(h => h.SiloAddress).ToArray();
        var statistics = await management.GetSimpleGrainStatistics(silos);
        return [.. hosts.Select(h => new SiloInfo(
            h.SiloAddress.ToString(),
            h.SiloName,
            h.Status.ToString(),
            metadata.GetSiloMetadata(h.SiloAddress).Metadata,
            statistics.Where(s => s.SiloAddress.Equals(h.SiloAddress))
                .GroupBy(s => ShortTypeName(s.GrainType))
                .ToImmutableDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount))))];
    }

    // "Agents.Grains.Runs.ProblemRunGrain,Agents.Grains" -> "ProblemRunGrain"
    private static string ShortTypeName(string grainType)
    {
        var name = grainType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
