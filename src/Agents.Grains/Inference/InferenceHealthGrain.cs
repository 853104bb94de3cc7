using Agents.Contracts.Inference;

namespace Agents.Grains.Inference;

/// <summary>Keeps the last reported health of each (model, silo) pair in memory (see <see cref="IInferenceHealthGrain"/>).</summary>
public sealed class InferenceHealthGrain : Grain, IInferenceHealthGrain
{
    // Pair key → healthy at its last report; a pair never reported is in neither list.
    private ImmutableDictionary<string, bool> _reported = ImmutableDictionary<string, bool>.Empty;

    public Task ReportAsync(string model, string silo, bool healthy)
    {
        _reported = _reported.SetItem(ModelHealthView.Key(model, silo), healthy);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetUnhealthyAsync() => Task.FromResult(Pairs(healthy: false));

    public Task<ImmutableArray<string>> GetHealthyAsync() => Task.FromResult(Pairs(healthy: true));

    private ImmutableArray<string> Pairs(bool healthy) => [.. _reported.Where(p => p.Value == healthy).Select(p => p.Key)];
}
