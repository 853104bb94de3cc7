using Agents.Inference;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Options;

namespace Agents.Grains.Inference;

/// <summary>Hands specs to <see cref="GpuChatClient"/> as <see cref="GpuInferenceOptions.Routing"/> says.</summary>
public sealed class GpuModelRouter(InferenceRouter router, IOptions<GpuInferenceOptions> options) : IModelRouter
{
    /// <inheritdoc/>
    public IChatClient? Route(ModelSpec spec, Func<IChatClient> localBackend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(localBackend);
        return options.Value.Routing switch
        {
            GpuRouting.Always => new GpuChatClient(router, spec.Text),
            GpuRouting.Auto => new GpuChatClient(router, spec.Text, localBackend()),
            _ => null,
        };
    }
}
