namespace Agents.Inference.Gpu;

/// <summary>
/// Lets the inference tier take over a model spec: <see cref="ModelRegistry.Resolve"/> asks it first, and uses the
/// local backend only when it returns null. Backends that serve replicas use <see cref="ModelRegistry.ResolveBackend"/>.
/// </summary>
public interface IModelRouter
{
    /// <summary>A client that routes the spec's calls to replicas, or null to use <paramref name="localBackend"/> directly.</summary>
    IChatClient? Route(ModelSpec spec, Func<IChatClient> localBackend);
}
