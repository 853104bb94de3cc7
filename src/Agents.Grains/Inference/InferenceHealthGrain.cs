using Agents.Contracts.Inference;

namespace Agents.Grains.Inference;

/// <summary>Keeps the unhealthy (model, silo) pairs in memory (see <see cref="IInferenceHealthGrain"/>).</summary>
public sealed class InferenceHealthGrain : Grain, IInferenceHealthGrain
{
    private ImmutableHashSet<string> _unhealthy = [];

    public Task ReportAsync(string model, string silo, bool healthy)
    {
        var key = ModelHealthView.Key(model, silo);
        _unhealthy = healthy ? _unhealthy.Remove(key) : _unhealthy.Add(key);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetUnhealthyAsync() => Task.FromResult(_unhealthy.ToImmutableArray());
}
