using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class ClassifierTests
{
    private static readonly DatasetStatistics Stats = new(1.0, 0.5);

    [Fact]
    public void PlainMajority_TieAndEmptyKey_FirstOccurrenceAndEmptyCanWin()
    {
        Assert.Equal("2", MagicoreClassifier.PlainMajority([Chains.Of("2", 0, 0), Chains.Of("1", 0, 0), Chains.Of("1", 0, 0), Chains.Of("2", 0, 0)]));
        Assert.Null(MagicoreClassifier.PlainMajority([Chains.Of(null, 0, 0), Chains.Of("", 0, 0), Chains.Of("1", 0, 0)]));
    }

    [Fact]
    public void MeanZOfMajority_EquivalentAnswersIncluded_MeanOfTheirZ()
    {
        // c = 0.8 and 0.6 → z = -0.4 and -0.8; "3.0" ≡ "3" numerically; "4" is excluded.
        var pool = new[] { Chains.Of("3", 0.4, 0.4), Chains.Of("3.0", 0.3, 0.3), Chains.Of("4", 1, 1) };

        var (q, matching) = MagicoreClassifier.MeanZOfMajority(pool, "3", Stats);

        Assert.Equal(2, matching);
        Assert.Equal(-0.6, q, 12);
    }

    [Fact]
    public void Classify_NoChainMatchesMajority_QIsNaNAndCond1True()
    {
        var pool = new[] { Chains.Of("1", 0.1, 0.1), Chains.Of("2", 0.1, 0.1), Chains.Of("3", 0.1, 0.1), Chains.Of("4", 0.1, 0.1) };

        var result = MagicoreClassifier.Classify(pool, "7", Stats);

        Assert.True(double.IsNaN(result.Q));
        Assert.True(result.Cond1);
        Assert.True(result.ConfidenceOrm < 0.5);
        Assert.False(result.Hard);
    }

    [Fact]
    public void Classify_EmptyMajorityCodeRule_Cond1OverTheAnswerlessChains()
    {
        // M is the empty answer (two of five chains have none, the others differ). The code's equivalence says "none ≡ none": Q averages the
        // z of the two answerless chains (c = 0.1 → z = -1.8), cond1 fails and the spread answers make the problem hard.
        var pool = new[] { Chains.Of(null, 0.1, 0.9), Chains.Of(null, 0.1, 0.9), Chains.Of("2", 0.1, 0.1), Chains.Of("3", 0.1, 0.1), Chains.Of("4", 0.1, 0.1) };
        var majority = MagicoreClassifier.PlainMajority(pool);

        var code = MagicoreClassifier.Classify(pool, majority, Stats, MagicoreOptions.Code);

        Assert.Null(majority);
        Assert.Equal(2, code.Matching);
        Assert.Equal(-1.8, code.Q, 12);
        Assert.False(code.Cond1);
        Assert.True(code.Hard);
    }

    [Fact]
    public void Classify_EmptyMajorityPaperRule_NoChainMatchesAndEasy()
    {
        var pool = new[] { Chains.Of(null, 0.1, 0.9), Chains.Of(null, 0.1, 0.9), Chains.Of("2", 0.1, 0.1), Chains.Of("3", 0.1, 0.1), Chains.Of("4", 0.1, 0.1) };

        var paper = MagicoreClassifier.Classify(pool, null, Stats, MagicoreOptions.Paper);

        Assert.Equal(0, paper.Matching);
        Assert.True(double.IsNaN(paper.Q));
        Assert.True(paper.Cond1);
        Assert.False(paper.Hard);
    }

    [Fact]
    public void Confidence_UniformOverThreeKeys_EntropyLn3AndConfidenceExactlyHalf()
    {
        var (h, confidence) = MagicoreClassifier.Confidence([("1", 1), ("2", 1), (null, 1)]);

        Assert.Equal(Math.Log(3), h, 12);
        Assert.Equal(0.5, confidence, 12);
    }

    [Fact]
    public void Classify_EntropySlightlyAboveLn3_Hard()
    {
        // Weights (1, 1, 1, 0.01): H > ln 3 for the ORM and PRM, and all chains below the mean.
        var pool = new[] { Chains.Of("1", 0.1, 0.1), Chains.Of("2", 0.1, 0.1), Chains.Of("3", 0.1, 0.1), Chains.Of("4", 0.001, 0.001) };

        var result = MagicoreClassifier.Classify(pool, "1", Stats);

        Assert.False(result.Cond1);
        Assert.True(result.EntropyOrm > Math.Log(3));
        Assert.True(result.ConfidenceOrm < 0.5);
        Assert.True(result.Hard);
    }

    [Fact]
    public void Classify_EntropySlightlyBelowLn3_Easy()
    {
        // Weights (1, 1, 0.99): H < ln 3 for both RMs, so condition 2 does not fire although cond1 is false.
        var pool = new[] { Chains.Of("1", 0.1, 0.1), Chains.Of("2", 0.1, 0.1), Chains.Of("3", 0.099, 0.099) };

        var result = MagicoreClassifier.Classify(pool, "1", Stats);

        Assert.False(result.Cond1);
        Assert.True(result.EntropyOrm < Math.Log(3));
        Assert.True(result.ConfidenceOrm > 0.5);
        Assert.True(result.ConfidencePrm > 0.5);
        Assert.False(result.Hard);
    }

    [Fact]
    public void Classify_OnlyPrmSpread_HardViaPrm()
    {
        // ORM puts all weight on "1"; PRM weights are uniform over four answers.
        var pool = new[]
        {
            ScoredChain.Create("a", "1", 0.9, [0.2], 0, 0),
            ScoredChain.Create("b", "2", 0, [0.2], 0, 1),
            ScoredChain.Create("c", "3", 0, [0.2], 0, 2),
            ScoredChain.Create("d", "4", 0, [0.2], 0, 3),
        };

        var result = MagicoreClassifier.Classify(pool, "1", new DatasetStatistics(2, 1));

        Assert.True(result.ConfidenceOrm > 0.5);
        Assert.True(result.ConfidencePrm < 0.5);
        Assert.True(result.Hard);
    }

    [Fact]
    public void Confidence_ZeroTotalWeight_NaNNeverLow()
    {
        var pool = new[] { Chains.Of(null, 0.3, 0), Chains.Of(null, 0.2, 0), Chains.Of(null, 0.1, 0), Chains.Of(null, 0.1, 0) };

        var result = MagicoreClassifier.Classify(pool, "1", Stats);

        Assert.True(double.IsNaN(result.ConfidencePrm));
        Assert.Equal(0, result.EntropyOrm, 12); // one key (the empty answer) carries all ORM weight
    }
}
