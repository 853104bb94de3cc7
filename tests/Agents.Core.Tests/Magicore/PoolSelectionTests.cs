using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class PoolSelectionTests
{
    [Fact]
    public void TopK_TiedScores_OldBeforeNew()
    {
        var a = Chains.Of("a", 0.5, 0.5, 0, 0); // c = 1.0
        var b = Chains.Of("b", 0.25, 0.25, 0, 1); // c = 0.5
        var c = Chains.Of("c", 0.5, 0.5, 1, 0); // c = 1.0, ties with a
        var d = Chains.Of("d", 0.35, 0.35, 1, 1); // c = 0.7

        var pool = PoolSelection.TopK([a, b], [c, d], 3);

        Assert.Equal(["a", "c", "d"], pool.Select(x => x.Answer));
        Assert.Same(a, pool[0]);
    }

    [Fact]
    public void Vote_TiedWeights_FirstKeyWinsAndEmptyExcluded()
    {
        var pool = new[] { Chains.Of(null, 1.9, 0), Chains.Of("2", 0.5, 0.5), Chains.Of("1", 0.5, 0.5) };

        var outcome = PoolSelection.Vote(pool);

        Assert.Equal("2", outcome.Answer);
        Assert.Equal(2, outcome.Distinct);
    }

    [Fact]
    public void Vote_RawKeys_EquivalentStringsDoNotMerge()
    {
        var pool = new[] { Chains.Of("0.5", 0.5, 0.5), Chains.Of("\\frac{1}{2}", 0.4, 0.4), Chains.Of("\\frac{1}{2}", 0.4, 0.4) };

        Assert.Equal("\\frac{1}{2}", PoolSelection.Vote(pool).Answer);
    }
}
