using Agents.Grains.Inference;
using Agents.Hosting;
using Agents.Inference.Gpu;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace Orleans.Hosting;

/// <summary>Adds the GPU inference tier to a silo: placement, replicas' health, the router and cluster routing of model specs.</summary>
public static class GpuInferenceSiloBuilderExtensions
{
    /// <summary>
    /// Binds <see cref="GpuInferenceOptions"/> (<c>Agents:Gpu</c>), registers <see cref="GpuPlacementDirector"/>, the
    /// per-silo <see cref="InferenceRouter"/> and the <see cref="IModelRouter"/> that sends agents' model calls to replicas
    /// when <c>Agents:Gpu:Routing</c> is <c>Auto</c> or <c>Always</c> (unset: <c>Auto</c> in cluster mode, <c>Off</c> embedded).
    /// What the silo hosts is its silo metadata (see docs/inference.md).
    /// </summary>
    public static ISiloBuilder AddGpuInference(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = silo.Services.AddOptions<GpuInferenceOptions>().BindConfiguration(GpuInferenceOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        if (AgentsClusterProviders.For(AgentsClusterOptions.From(silo.Configuration)).Shared && string.IsNullOrEmpty(silo.Configuration[$"{GpuInferenceOptions.SectionName}:Routing"]))
        {
            // Cluster mode: agents reach the models the gpu silos advertise through their replicas, and any other spec directly.
            options.PostConfigure(o => o.Routing = GpuRouting.Auto);
        }

        silo.Services.AddPlacementDirector<GpuPlacementStrategy, GpuPlacementDirector>();
        silo.Services.AddSingleton<ModelHealth>();
        silo.Services.AddSingleton<ModelHealthView>();
        silo.Services.AddHostedService<GpuHealthMonitor>();
        silo.Services.AddSingleton<InferenceRouter>();
        silo.Services.AddSingleton<IModelRouter, GpuModelRouter>();
        return silo;
    }
}
