using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class SpcGameTests
{
    [Fact]
    public void ChooseStep_ManySeeds_UniformAmongJudgedCorrectAndDeterministic()
    {
        bool[] correct = [true, false, true, true];
        var picks = Enumerable.Range(0, 3000).Select(seed => SpcGame.ChooseStep(4, correct, seed)).ToArray();

        Assert.DoesNotContain(1, picks);
        // Uniformity over 3000 seeds: the band (1000 ± 150, about six binomial standard deviations) is the assertion.
        Assert.All(new[] { 0, 2, 3 }, i => Assert.InRange(picks.Count(p => p == i), 850, 1150));
        Assert.Equal(picks[7], SpcGame.ChooseStep(4, correct, 7));
    }

    [Fact]
    public void ChooseStep_NoCandidates_MinusOne()
    {
        Assert.Equal(-1, SpcGame.ChooseStep(0, null, 1));
        Assert.Equal(-1, SpcGame.ChooseStep(2, [false, false], 1));
        Assert.All(Enumerable.Range(0, 50), seed => Assert.NotEqual(2, SpcGame.ChooseStep(3, null, seed, SpcOptions.Default with { ExcludeFinalStep = true })));
    }

    [Theory]
    [InlineData(new[] { true, true, true, true }, new[] { false, false, false, false }, true, null)]
    [InlineData(new[] { true, true, true, false }, new[] { true, false, false, false }, true, null)]
    [InlineData(new[] { true, true, true, true }, new[] { true, true, true, false }, false, SpcGame.ReasonNoDrop)]
    [InlineData(new[] { true, false, false, false }, new[] { false, false, false, false }, false, SpcGame.ReasonOriginalTooWeak)]
    public void Validate_Outcomes_ThresholdsOfDefaults(bool[] original, bool[] sneaky, bool valid, string? reason)
    {
        var validation = SpcGame.Validate(original, sneaky);

        Assert.Equal((valid, reason), (validation.Valid, validation.Reason));
        Assert.Equal((double)original.Count(o => o) / original.Length, validation.OriginalSuccessRate);
    }

    [Theory]
    [InlineData(CriticVerdict.Incorrect, CriticVerdict.Correct, -1, 1, 1)]
    [InlineData(CriticVerdict.Correct, CriticVerdict.Correct, 1, -1, 1)]
    [InlineData(CriticVerdict.Incorrect, CriticVerdict.Incorrect, -1, 1, -1)]
    [InlineData(CriticVerdict.Correct, CriticVerdict.Invalid, 1, -1, null)]
    public void Rewards_ValidAttack_ZeroSumAndPaired(CriticVerdict attack, CriticVerdict paired, int generator, int critic, int? pairedReward)
    {
        var rewards = SpcGame.Rewards(true, attack, paired);

        Assert.Equal(new GameRewards(generator, critic, pairedReward), rewards);
        Assert.Equal(0, rewards.Generator + rewards.Critic);
    }

    [Fact]
    public void Rewards_InvalidVerdictOrFailedAttack_AsConfigured()
    {
        Assert.Equal(new GameRewards(null, null, 1), SpcGame.Rewards(true, CriticVerdict.Invalid, CriticVerdict.Correct));
        Assert.Equal(new GameRewards(-1, null, null), SpcGame.Rewards(false, CriticVerdict.Invalid, null));
        Assert.Equal(new GameRewards(null, null, null), SpcGame.Rewards(false, CriticVerdict.Invalid, null, SpcOptions.Default with { FailedAttack = FailedAttackRule.Discard }));
        Assert.Equal(new GameRewards(1, -1, null), SpcGame.Rewards(true, CriticVerdict.Correct, CriticVerdict.Correct, SpcOptions.Default with { PairedSamples = false }));
    }

    [Fact]
    public void Prompts_Hash_StableSixteenHexDigits()
    {
        var hash = SpcHash.Prompts("a", "b");

        Assert.Equal(16, hash.Length);
        Assert.Equal(hash, SpcHash.Prompts("a", "b"));
        Assert.NotEqual(hash, SpcHash.Prompts("ab"));
    }
}
