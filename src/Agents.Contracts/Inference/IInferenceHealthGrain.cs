namespace Agents.Contracts.Inference;

/// <summary>
/// The cluster's list of (model, silo) pairs whose backend fails its health checks (key = 0). Gpu silos report their
/// models' health every check; every silo reads the list and stops placing and routing to those pairs until they recover.
/// The list lives in memory: after a restart of this grain it refills within one check interval.
/// </summary>
[Alias("agents.inference-health")]
public interface IInferenceHealthGrain : IGrainWithIntegerKey
{
    /// <summary>Records a silo's health for a model.</summary>
    [Alias("report")]
    Task ReportAsync(string model, string silo, bool healthy);

    /// <summary>The unhealthy pairs as <c>model@silo</c>.</summary>
    [Alias("unhealthy")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<string>> GetUnhealthyAsync();

    /// <summary>The pairs whose last report was healthy, as <c>model@silo</c> (a pair not reported yet is in neither list).</summary>
    [Alias("healthy")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<string>> GetHealthyAsync();
}
