using System.Collections.Immutable;
using Agents.Contracts.Solving;
using Agents.Core.Answers;
using Agents.Core.Strategies;
using Agents.Core.Voting;

namespace Agents.Core.Tests.Strategies;

public sealed class StrategyTests
{
    private static Solution S(string? answer) => new($"\\boxed{{{answer}}}", [], answer);

    [Fact]
    public void Create_Cot_IsGreedyWithOneSample()
    {
        var spec = StrategyDefaults.Create(StrategyNames.Cot, k: 9, temperature: 0.7);

        Assert.Equal((1, 0.0, 1.0), (spec.K, spec.Temperature, spec.TopP));
    }

    [Fact]
    public void Create_Sc_UsesPaperSamplingDefaults()
    {
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency);

        Assert.Equal((StrategyDefaults.SelfConsistencyK, 0.8, 0.95, "raw", true, "math-verify"), (spec.K, spec.Temperature, spec.TopP, spec.VoteKey, spec.DropEmpty, spec.Equivalence));
    }

    [Fact]
    public void Create_Iort_UsesThePapersNAndTemperature()
    {
        var spec = StrategyDefaults.Create(StrategyNames.Iort);

        Assert.Equal((1, 4, 0.3, 1.0), (spec.K, spec.Rounds, spec.Temperature, spec.TopP));
    }

    [Theory]
    [InlineData("cot", null)]
    [InlineData("sc", null)]
    [InlineData("iort", null)]
    [InlineData("spc-search", null)]
    [InlineData("majority", "unknown strategy 'majority'")]
    public void Validate_Names(string name, string? expected)
    {
        var error = StrategyNames.Validate(name);

        if (expected is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decide_Cot_TakesTheOnlySample()
    {
        var decision = StrategyDecisions.Decide(StrategyDefaults.Create("cot"), [S("5")]);

        Assert.Equal("5", decision.Answer);
    }

    [Fact]
    public void Decide_Sc_MajorityWithFirstOccurrenceTieBreak()
    {
        var spec = StrategyDefaults.Create("sc", k: 5);

        Assert.Equal("7", StrategyDecisions.Decide(spec, [S("3"), S("7"), S("7"), S("3"), S("7")]).Answer);
        Assert.Equal("3", StrategyDecisions.Decide(spec, [S("3"), S("7"), S("7"), S("3")]).Answer);
    }

    [Fact]
    public void Decide_ScDroppingEmpty_IgnoresAnswerlessChains()
    {
        var dropping = StrategyDefaults.Create("sc", k: 5);
        var keeping = StrategyDefaults.Create("sc", k: 5, dropEmpty: false);
        Solution[] samples = [S(null), S(null), S(null), S("4"), S("4")];

        Assert.Equal("4", StrategyDecisions.Decide(dropping, samples).Answer);
        Assert.Null(StrategyDecisions.Decide(keeping, samples).Answer);
    }

    [Fact]
    public void Decide_NormalizedKeys_GroupEquivalentSpellings()
    {
        var raw = StrategyDefaults.Create("sc", k: 3);
        var normalized = StrategyDefaults.Create("sc", k: 3, voteKey: VoteKey.Normalized);
        Solution[] samples = [S("2"), S("\\frac{1}{2}"), S("\\dfrac{1}{2}")];

        Assert.Equal("2", StrategyDecisions.Decide(raw, samples).Answer);
        Assert.Equal("\\frac{1}{2}", StrategyDecisions.Decide(normalized, samples).Answer);
    }

    [Fact]
    public void Grade_UsesTheSpecsEquivalenceAndNullWithoutGold()
    {
        Assert.True(StrategyDecisions.Grade("\\frac{2}{4}", "\\frac{1}{2}", "numeric"));
        Assert.False(StrategyDecisions.Grade("\\frac{2}{4}", "\\frac{1}{2}", EquivalenceModes.Name(EquivalenceMode.Prm800k)));
        Assert.Null(StrategyDecisions.Grade("0.5", null, "numeric"));
    }
}
