using Agents.Contracts.Inference;

namespace Agents.Grains.Inference;

/// <summary>Keeps the last reported health of each (model, silo) pair in memory (see <see cref="IInferenceHealthGrain"/>).</summary>
public sealed class InferenceHealthGrain : Grain, IInferenceHealthGrain
{
    private ImmutableHashSet<string> _unhealthy = [];
    private ImmutableHashSet<string> _healthy = [];

    public Task ReportAsync(string model, string silo, bool healthy)
    {
        var key = ModelHealthView.Key(model, silo);
        _unhealthy = healthy ? _unhealthy.Remove(key) : _unhealthy.Add(key);
        _healthy = healthy ? _healthy.Add(key) : _healthy.Remove(key);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetUnhealthyAsync() => Task.FromResult(_unhealthy.ToImmutableArray());

    public Task<ImmutableArray<string>> GetHealthyAsync() => Task.FromResult(_healthy.ToImmutableArray());
}
