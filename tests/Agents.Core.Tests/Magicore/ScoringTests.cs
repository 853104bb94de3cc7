using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class ScoringTests
{
    [Fact]
    public void Combined_WithAnswer_IsOrmPlusProductOfSteps()
    {
        var chain = ScoredChain.Create("t", "3", 0.6, [0.5, 0.8], 0, 0);

        Assert.Equal(0.4, chain.Prm, 12);
        Assert.Equal(1.0, chain.Combined, 12);
    }

    [Fact]
    public void Combined_NoAnswer_PrmSkippedAndZero()
    {
        var chain = ScoredChain.Create("t", null, 0.6, [0.9], 0, 0);

        Assert.Empty(chain.StepScores);
        Assert.Equal(0, chain.Prm);
        Assert.Equal(0.6, chain.Combined, 12);
    }

    [Fact]
    public void FromFirstChains_ThreeProblems_PopulationStdOfFirstChainsOnly()
    {
        // First chains c = 1.0, 1.5, 0.5; the second chains (c = 2.0) must be ignored.
        var pools = new[]
        {
            new[] { Chains.Of("1", 0.5, 0.5), Chains.Of("1", 1.0, 1.0) },
            new[] { Chains.Of("2", 1.0, 0.5), Chains.Of("2", 1.0, 1.0) },
            new[] { Chains.Of("3", 0.25, 0.25) },
        };

        var stats = DatasetStatistics.FromFirstChains(pools);

        Assert.Equal(1.0, stats.Mean, 12);
        Assert.Equal(Math.Sqrt(1.0 / 6), stats.StdDev, 12); // ddof = 0; the sample std would be 0.5
        Assert.Equal(0.5 / Math.Sqrt(1.0 / 6), stats.Z(1.5), 12);
    }

    [Fact]
    public void Z_ZeroStdDev_IsZero()
    {
        var stats = DatasetStatistics.FromScores([1.2, 1.2, 1.2]);

        Assert.Equal(0, stats.StdDev);
        Assert.Equal(0, stats.Z(0.1));
    }
}
