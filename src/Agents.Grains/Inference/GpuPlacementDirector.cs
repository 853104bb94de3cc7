using Agents.Contracts.Inference;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Agents.Grains.Inference;

/// <summary>
/// Places model replica <c>model/i</c> on an active silo that advertises <c>gpu=true</c>, hosts the model and is healthy.
/// A placement hint wins. Otherwise replica i prefers the i-th replica slot of the hosting silos (taken in turn, in address
/// order), which
/// every silo's director computes alike, so bursts placed by several directors at once cannot herd onto one silo; when
/// that silo holds more than (1 + ε) × the mean inference activations per slot, the least-loaded silo is taken instead.
/// Thread-safe (one keyed singleton per silo).
/// </summary>
public sealed partial class GpuPlacementDirector(
    ISiloMetadataCache metadata,
    IServiceProvider services,
    IOptions<GpuInferenceOptions> options,
    TimeProvider time,
    ILogger<GpuPlacementDirector> logger) : IPlacementDirector
{
    /// <summary>How long activation counts are reused before the next refresh.</summary>
    public static readonly TimeSpan LoadRefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly string InferenceGrainType = $"{typeof(InferenceGrain).FullName},{typeof(InferenceGrain).Assembly.GetName().Name}";

    private readonly Lock _gate = new();
    private readonly Dictionary<SiloAddress, int> _pending = [];
    private Dictionary<SiloAddress, int> _loads = [];
    private Task? _refresh;
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    /// <inheritdoc/>
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compatible = context.GetCompatibleSilos(target);
        var (model, index) = GpuSiloMetadata.ParseReplicaKey(target.GrainIdentity.Key.ToString()!);
        var unhealthy = services.GetService<ModelHealthView>();
        var hosts = compatible
            .Select(s => (Silo: s, Model: GpuSiloMetadata.Find(metadata.GetSiloMetadata(s).Metadata, model)))
            .Where(h => h.Model is not null && (unhealthy is null || !unhealthy.IsUnhealthy(model, h.Silo)))
            .OrderBy(h => h.Silo.ToString(), StringComparer.Ordinal)
            .Select(h => (h.Silo, Slots: h.Model!.Replicas))
            .ToArray();
        if (hosts.Length == 0)
        {
            throw new NoGpuSiloException(
                $"No active silo advertises gpu=true and hosts a healthy '{model}' for replica {target.GrainIdentity}; compatible silos: [{string.Join(", ", compatible.Select(s => s.ToString()))}].")
            {
                Model = model,
            };
        }

        var silos = hosts.Select(h => h.Silo).ToArray();
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return hint;
        }

        if (hosts.Length == 1)
        {
            return hosts[0].Silo;
        }

        await RefreshLoadsAsync(silos);
        lock (_gate)
        {
            // Interleaved (A, B, A, B, ...), so the first replicas of a model spread over silos even when not all slots are used.
            var slots = Enumerable.Range(0, hosts.Max(h => h.Slots))
                .SelectMany(round => hosts.Where(h => h.Slots > round).Select(h => h.Silo))
                .ToArray();
            var preferred = slots[index % slots.Length];
            double Load((SiloAddress Silo, int Slots) h) =>
                (_loads.GetValueOrDefault(h.Silo) + _pending.GetValueOrDefault(h.Silo)) / (double)h.Slots;
            var mean = hosts.Average(Load);
            var preferredHost = hosts.First(h => h.Silo.Equals(preferred));
            var chosen = Load(preferredHost) <= ((1 + options.Value.LoadEpsilon) * mean) + 1
                ? preferred
                : hosts.OrderBy(Load).ThenBy(_ => Random.Shared.Next()).First().Silo;

            // Count a local placement as one per placing silo: the other directors place about as many meanwhile.
            _pending[chosen] = _pending.GetValueOrDefault(chosen) + compatible.Length;
            LogPlaced(logger, target.GrainIdentity.ToString(), chosen.ToString(), preferred.Equals(chosen));
            return chosen;
        }
    }

    private Task RefreshLoadsAsync(SiloAddress[] silos)
    {
        lock (_gate)
        {
            // Single flight: concurrent placements await the same refresh instead of going ahead with empty counts.
            if (_refresh is { IsCompleted: false } || time.GetUtcNow() - _refreshedAt < LoadRefreshInterval)
            {
                return _refresh ?? Task.CompletedTask;
            }

            _refresh = RefreshCoreAsync(silos);
            return _refresh;
        }
    }

    private async Task RefreshCoreAsync(SiloAddress[] silos)
    {
        try
        {
            var statistics = await services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics(silos);
            var loads = statistics
                .Where(s => s.GrainType == InferenceGrainType)
                .GroupBy(s => s.SiloAddress)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
            lock (_gate)
            {
                _loads = loads;
                _pending.Clear();
                _refreshedAt = time.GetUtcNow();
            }
        }
#pragma warning disable CA1031 // Placement must go on with the counts it has when the statistics call fails.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRefreshFailed(logger, ex);
            lock (_gate)
            {
                _refreshedAt = time.GetUtcNow();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Placed {Grain} on {Silo} (preferred slot: {Preferred})")]
    private static partial void LogPlaced(ILogger logger, string grain, string silo, bool preferred);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh inference activation counts; placing with the last known counts")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
