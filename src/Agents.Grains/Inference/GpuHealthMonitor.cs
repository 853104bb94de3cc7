using Agents.Contracts.Inference;
using Agents.Inference;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Agents.Grains.Inference;

/// <summary>
/// Every <see cref="GpuInferenceOptions.HealthCheckIntervalMs"/>: on a gpu silo, sends each hosted model's backend a
/// one-token request and reports the result to <see cref="IInferenceHealthGrain"/> (so the silo stops advertising a
/// failing model and advertises it again once it answers); on every silo, refreshes <see cref="ModelHealthView"/>.
/// </summary>
public sealed partial class GpuHealthMonitor(
    IGrainFactory grains,
    ModelRegistry registry,
    ModelHealth health,
    ModelHealthView view,
    ISiloMetadataCache metadata,
    ILocalSiloDetails localSilo,
    IOptions<GpuInferenceOptions> options,
    TimeProvider time,
    ILogger<GpuHealthMonitor> logger) : BackgroundService
{
    private static readonly ChatMessage[] Probe = [new(ChatRole.User, "ping")];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HealthCheckIntervalMs;
        if (interval <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(interval), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(TimeSpan.FromMilliseconds(Math.Min(interval * 4, 5_000)), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The silo may not be active yet, or the health grain may be moving; the next tick retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    private async Task CheckAsync(TimeSpan probeTimeout, CancellationToken cancellationToken)
    {
        var registryGrain = grains.GetGrain<IInferenceHealthGrain>(0);
        var silo = localSilo.SiloAddress.ToString();
        foreach (var model in GpuSiloMetadata.Models(metadata.GetSiloMetadata(localSilo.SiloAddress).Metadata))
        {
            var healthy = await ProbeAsync(model, probeTimeout, cancellationToken);
            var changed = healthy ? health.ReportSuccess(model.Id) : health.ReportFailure(model.Id);
            if (changed)
            {
                LogHealthChanged(logger, model.Id, model.Spec, health.IsHealthy(model.Id));
            }

            await registryGrain.ReportAsync(model.Id, silo, health.IsHealthy(model.Id));
        }

        view.Update([.. await registryGrain.GetUnhealthyAsync()]);
    }

    private async Task<bool> ProbeAsync(HostedModel model, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await registry.ResolveBackend(model.Spec).GetResponseAsync(Probe, new ChatOptions { MaxOutputTokens = 1, Seed = 0 }, cts.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // Any failure of the backend counts as a failed check.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogProbeFailed(logger, model.Id, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} ({Spec}) on this silo changed health: healthy = {Healthy} (unhealthy models are not advertised)")]
    private static partial void LogHealthChanged(ILogger logger, string model, string spec, bool healthy);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health probe of {Model} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inference health check could not complete; retrying on the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
