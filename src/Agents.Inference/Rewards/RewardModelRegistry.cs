using System.Collections.Concurrent;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Inference.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Inference.Rewards;

/// <summary>Turns reward specs into reward models, one shared model per spec.</summary>
public interface IRewardModelRegistry
{
    /// <summary>The model for a spec (see <see cref="RewardSpec.AcceptedForms"/>); the same instance for the same spec.</summary>
    IRewardModel Resolve(string spec);

    /// <summary>The model for <see cref="RewardOptions.Default"/>.</summary>
    IRewardModel Default { get; }
}

/// <summary>Creates each reward backend once per spec and disposes the ones it created with itself.</summary>
public sealed class RewardModelRegistry(
    IOptions<RewardOptions> rewards,
    IOptions<ModelRetryOptions> retry,
    ILoggerFactory loggers,
    IServiceProvider services) : IRewardModelRegistry, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IRewardModel>> _models = new(StringComparer.Ordinal);
    private volatile bool _disposed;
    private ModelAllowList? _allowList;

    private ModelAllowList AllowList => _allowList ??=
        services.GetService<ModelAllowList>() ?? new ModelAllowList(services.GetService<IOptions<ModelOptions>>()?.Value ?? new ModelOptions(), rewards.Value);

    /// <inheritdoc/>
    public IRewardModel Default => Resolve(rewards.Value.Default);

    /// <inheritdoc/>
    /// <remarks>The spec is checked against the silo's <see cref="ModelAllowList"/> first; a name stands for the spec it lists.</remarks>
    public IRewardModel Resolve(string spec)
    {
        var parsed = AllowList.ResolveReward(spec);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _models.GetOrAdd(parsed.Text, _ => new Lazy<IRewardModel>(() => Create(parsed), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        foreach (var model in _models.Values.Where(m => m.IsValueCreated))
        {
            (model.Value as IDisposable)?.Dispose();
        }

        _models.Clear();
    }

    private IRewardModel Create(RewardSpec spec)
    {
        var options = rewards.Value;
        return spec.Kind switch
        {
            RewardSpecKind.Sim => new SimulatedRewardModel(
                services.GetService<IOptions<SimulationOptions>>()?.Value ?? SimulationOptions.Default, options.SimulatedOrm, options.MaxParallelism),
            RewardSpecKind.Http => new HttpRewardModel(
                spec.Endpoint!, spec.Model, options.Http, retry.Value, loggers.CreateLogger<HttpRewardModel>(), options.MaxParallelism),
            RewardSpecKind.Judge => new JudgeRewardModel(
                services.GetRequiredService<IModelRegistry>().Resolve(spec.JudgeModel!), services.GetRequiredService<PromptTemplates>(), options.Judge, options.MaxParallelism, loggers.CreateLogger<JudgeRewardModel>()),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown reward spec kind."),
        };
    }
}
