using Agents.Api.Hosting;
using Agents.Contracts.Cluster;
using Agents.Contracts.Inference;
using Microsoft.Extensions.Options;

namespace Agents.Api.Gateway;

/// <summary>A base model the gateway serves.</summary>
/// <param name="Name">The name clients use (<c>BASE</c>).</param>
/// <param name="Spec">The model spec runs use.</param>
/// <param name="Source"><c>configuration</c> (this host's allow-list) or <c>cluster</c> (hosted by a gpu silo).</param>
public sealed record ServedModel(string Name, string Spec, string Source);

/// <summary>
/// The base models requests may name: this host's allow-list (<c>Agents:Api:Models</c>, default <c>sim</c>) and every
/// model a gpu silo of the cluster hosts. The cluster's list is cached briefly so a burst of requests asks once.
/// </summary>
public sealed class ServedModels(IOptions<ApiOptions> options, IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private (DateTimeOffset At, Task<ImmutableArray<ServedModel>> Models)? _hosted;

    /// <summary>The configured models.</summary>
    public ImmutableArray<ServedModel> Configured { get; } = options.Value.Models.Count == 0
        ? [new ServedModel("sim", "sim", "configuration")]
        : [.. options.Value.Models.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new ServedModel(m.Key, m.Value, "configuration"))];

    /// <summary>Every served model, configured first.</summary>
    public async Task<ImmutableArray<ServedModel>> ListAsync()
    {
        var hosted = await HostedAsync();
        return [.. Configured, .. hosted.Where(h => Configured.All(c => c.Name != h.Name))];
    }

    /// <summary>The served model of that name, or null.</summary>
    public async Task<ServedModel?> FindAsync(string name) =>
        Configured.FirstOrDefault(m => m.Name == name) ?? (await HostedAsync()).FirstOrDefault(m => m.Name == name);

    private Task<ImmutableArray<ServedModel>> HostedAsync()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_hosted is not { } cached || now - cached.At > CacheFor || cached.Models.IsFaulted)
            {
                _hosted = (now, LoadHostedAsync());
            }

            return _hosted.Value.Models;
        }
    }

    private async Task<ImmutableArray<ServedModel>> LoadHostedAsync()
    {
        var silos = await grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
        return
        [
            .. silos.SelectMany(s => GpuSiloMetadata.Models(s.Metadata))
                .DistinctBy(m => m.Id)
                .OrderBy(m => m.Id, StringComparer.Ordinal)
                .Select(m => new ServedModel(m.Id, m.Spec, "cluster")),
        ];
    }
}
