using System.Collections.Immutable;
using System.Globalization;
using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class MagicorePoolsTests
{
    private static readonly ImmutableArray<ScoredChain> Old = [Chains.Of("1", 0.5, 0.5, 0, 0), Chains.Of("2", 0.1, 0.1, 0, 1)];
    private static readonly ImmutableArray<ScoredChain> Refined = [Chains.Of("3", 0.2, 0.2, 1, 0), Chains.Of("4", 0.05, 0.05, 1, 1)];

    [Fact]
    public void AfterRefinement_CodeMode_NextIsTheRefinedChainsAndReportIsTopK()
    {
        var step = MagicorePools.AfterRefinement(MagicoreOptions.Code with { K = 2 }, Old, Refined);

        Assert.Equal(["3", "4"], step.Next.Select(c => c.Answer));
        Assert.Equal(["1", "3"], step.Reported.Select(c => c.Answer));
    }

    [Fact]
    public void AfterRefinement_PaperMode_NextAndReportAreTopK()
    {
        var step = MagicorePools.AfterRefinement(MagicoreOptions.Paper with { K = 2 }, Old, Refined);

        Assert.Equal(["1", "3"], step.Next.Select(c => c.Answer));
        Assert.Equal(step.Reported, step.Next);
    }

    [Fact]
    public void AfterEasy_CodeRevertsToIteration0PaperKeepsCurrent_BothReportCurrent()
    {
        var code = MagicorePools.AfterEasy(MagicoreOptions.Code, Old, Refined);
        var paper = MagicorePools.AfterEasy(MagicoreOptions.Paper, Old, Refined);

        Assert.Equal((Old, Refined), (code.Next, code.Reported));
        Assert.Equal((Refined, Refined), (paper.Next, paper.Reported));
    }

    [Fact]
    public void StatisticsChain_Iteration1_FirstSample()
    {
        Assert.Same(Old[0], MagicorePools.StatisticsChain(Old, "p", 1, 7));
    }

    [Fact]
    public void StatisticsChain_LaterIterations_UniformOverPoolPositionsAndRepeatable()
    {
        // 800 problems, pools of 8: every position is drawn about 100 times (a pool[0] rule would draw position 0 800 times).
        var pool = Enumerable.Range(0, 8).Select(i => Chains.Of(i.ToString(CultureInfo.InvariantCulture), 0, 0, 1, i)).ToArray();
        var counts = new int[8];
        for (var p = 0; p < 800; p++)
        {
            var id = $"p{p}";
            var chain = MagicorePools.StatisticsChain(pool, id, 2, 0);
            Assert.Same(chain, MagicorePools.StatisticsChain(pool, id, 2, 0));
            counts[chain.Index]++;
        }

        // Uniformity over 800 seeded draws: the band (100 ± 40, about four binomial standard deviations) is the assertion.
        Assert.All(counts, c => Assert.InRange(c, 60, 140));
    }
}
