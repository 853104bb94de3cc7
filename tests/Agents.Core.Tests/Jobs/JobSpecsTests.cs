using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Core.Jobs;
using Agents.Core.Strategies;

namespace Agents.Core.Tests.Jobs;

public sealed class JobSpecsTests
{
    private static readonly JobSpec Existing = Spec(("mode", "paper"), ("mu", "0.5"));

    [Fact]
    public void AreSame_SameOptionsInANewDictionary_True()
    {
        var resent = Spec(("mu", "0.5"), ("mode", "paper"));

        Assert.NotEqual(Existing, resent);   // record equality compares the dictionaries by reference
        Assert.True(JobSpecs.AreSame(Existing, resent));
    }

    [Fact]
    public void AreSame_DifferentOptions_False()
    {
        Assert.False(JobSpecs.AreSame(Existing, Spec(("mode", "code"), ("mu", "0.5"))));
        Assert.False(JobSpecs.AreSame(Existing, Spec(("mode", "paper"))));
        Assert.False(JobSpecs.AreSame(Existing, Spec(("mode", "paper"), ("mu", "0.5"), ("sigma", "1"))));
    }

    [Fact]
    public void AreSame_DifferentSettingsOutsideOptions_False()
    {
        Assert.False(JobSpecs.AreSame(Existing, Existing with { Concurrency = 9 }));
        Assert.False(JobSpecs.AreSame(Existing, Existing with { Strategy = Existing.Strategy with { K = 3 } }));
    }

    private static JobSpec Spec(params (string Key, string Value)[] options) => new(
        "job", StrategyDefaults.Create(StrategyNames.Magicore, seed: 1, options: options.ToImmutableDictionary(o => o.Key, o => o.Value)),
        Concurrency: 4, MaxAttempts: 2);
}
