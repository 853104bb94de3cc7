using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class SpcOptionsTextTests
{
    [Fact]
    public void Parse_KeyValues_SetsTheOptions()
    {
        var options = SpcOptionsText.Parse(
        [
            "solution_source=reference", "solve_attempts=2", "validation_completions=8", "min_original_success_rate=0.5",
            "min-success-rate-drop=0.25", "paired_samples=false", "balance=none", "target_positive_share=0.4",
            "error_types=calculation error|wrong operation", "max_game_attempts=3", "failed_attack=discard", "games_per_problem=2",
        ]);

        Assert.Equal(SolutionSource.Reference, options.SolutionSource);
        Assert.Equal((2, 8, 3, 2), (options.SolveAttempts, options.ValidationCompletions, options.MaxGameAttempts, options.GamesPerProblem));
        Assert.Equal((0.5, 0.25, 0.4), (options.MinOriginalSuccessRate, options.MinSuccessRateDrop, options.TargetPositiveShare));
        Assert.False(options.PairedSamples);
        Assert.Equal((BalanceMode.None, FailedAttackRule.Discard), (options.Balance, options.FailedAttack));
        Assert.Equal(new[] { "calculation error", "wrong operation" }, options.ErrorTypes);
    }

    [Fact]
    public void Defaults_CriticDecodesUpTo2048Tokens()
    {
        Assert.Equal(2048, SpcOptions.Default.CriticMaxTokens);
    }

    [Fact]
    public void Canonical_Defaults_EveryKeySortedAndRoundTrips()
    {
        var canonical = SpcOptionsText.Canonical(["max_game_attempts=7"]);

        Assert.Equal(SpcOptionsText.KeyNames.Count, canonical.Length);
        Assert.Equal(canonical.Order(StringComparer.Ordinal), canonical);
        Assert.Contains("solution_source=solver", canonical);
        Assert.Contains("solve_attempts=4", canonical);
        Assert.Contains("max_game_attempts=7", canonical);
        Assert.Contains("balance=downsample", canonical);
        Assert.Contains("failed_attack=generator_loses", canonical);
        Assert.Equal(SpcOptions.Default.ErrorTypes, SpcOptionsText.Parse(canonical).ErrorTypes);
        Assert.Equal(7, SpcOptionsText.Parse(canonical).MaxGameAttempts);
        Assert.Equal(canonical.ToArray(), SpcOptionsText.Canonical(canonical).ToArray());
    }

    [Theory]
    [InlineData("colour=red")]
    [InlineData("solve_attempts")]
    [InlineData("solve_attempts=many")]
    [InlineData("solve_attempts=0")]
    [InlineData("min_original_success_rate=1.5")]
    [InlineData("solution_source=oracle")]
    [InlineData("paired_samples=maybe")]
    public void Parse_BadEntry_ThrowsArgumentException(string entry) =>
        Assert.Throws<ArgumentException>(() => SpcOptionsText.Parse([entry]));
}
