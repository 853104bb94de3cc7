using Agents.Core.Simulation;

namespace Agents.Core.SelfPlay;

/// <summary>The outcome of validating an attack by solver completions (docs/algorithms.md §3.3).</summary>
/// <param name="OriginalSuccessRate">r_orig: share of completions from the original step that reach the gold answer.</param>
/// <param name="SneakySuccessRate">r_sneaky: the same from the modified step.</param>
/// <param name="Valid">True when r_orig ≥ MinOriginalSuccessRate and r_orig − r_sneaky ≥ MinSuccessRateDrop.</param>
/// <param name="Reason">Why the attack is invalid (null when valid).</param>
public sealed record AttackValidation(double OriginalSuccessRate, double SneakySuccessRate, bool Valid, string? Reason);

/// <summary>One game's rewards; null means no record for that seat.</summary>
/// <param name="Generator">The sneaky generator's reward.</param>
/// <param name="Critic">The critic's reward on the attacked step (zero-sum with <paramref name="Generator"/> when both are set).</param>
/// <param name="PairedCritic">The critic's reward on the paired original step (against the truth, not against the generator).</param>
public sealed record GameRewards(int? Generator, int? Critic, int? PairedCritic);

/// <summary>The pure rules of one SPC adversarial game (docs/algorithms.md §3.3): step choice, attack validation, rewards.</summary>
public static class SpcGame
{
    /// <summary>Reasons recorded for invalid attacks.</summary>
    public const string ReasonUnparsed = "attack-unparsed";

    /// <summary>The original step's completions did not succeed often enough, so the test says nothing.</summary>
    public const string ReasonOriginalTooWeak = "original-success-too-low";

    /// <summary>The modified step did not lower the completions' success rate enough.</summary>
    public const string ReasonNoDrop = "success-drop-too-small";

    /// <summary>None of the solver's solutions reached the gold answer, so there was nothing to attack (the generator did not play).</summary>
    public const string ReasonNoCorrectSolution = "no-correct-solution";

    /// <summary>The game threw on every one of its attempts (the record's Error holds the last failure).</summary>
    public const string ReasonGameFailed = "game-failed";

    /// <summary>Whether a record's game was played by the generator (neither "no-correct-solution" nor "game-failed").</summary>
    public static bool Attacked(string? invalidReason) => invalidReason is not (ReasonNoCorrectSolution or ReasonGameFailed);

    /// <summary>
    /// The index of the step to attack, uniform (seeded) among the steps judged correct (all when
    /// <paramref name="judgedCorrect"/> is null), leaving out the final step when configured; −1 when none qualifies.
    /// </summary>
    public static int ChooseStep(int stepCount, IReadOnlyList<bool>? judgedCorrect, long seed, SpcOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        options ??= SpcOptions.Default;
        var last = options.ExcludeFinalStep && stepCount > 1 ? stepCount - 1 : stepCount;
        var candidates = Enumerable.Range(0, last).Where(i => judgedCorrect is null || (i < judgedCorrect.Count && judgedCorrect[i])).ToArray();
        return candidates.Length == 0 ? -1 : candidates[DeterministicRandom.From("spc-step", seed, stepCount).Next(0, candidates.Length)];
    }

    /// <summary>Validates an attack from the completions' outcomes (true = reached the gold answer) of both branches.</summary>
    public static AttackValidation Validate(IReadOnlyList<bool> originalOutcomes, IReadOnlyList<bool> sneakyOutcomes, SpcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(originalOutcomes);
        ArgumentNullException.ThrowIfNull(sneakyOutcomes);
        options ??= SpcOptions.Default;
        var original = Rate(originalOutcomes);
        var sneaky = Rate(sneakyOutcomes);
        var reason = original < options.MinOriginalSuccessRate ? ReasonOriginalTooWeak
            : original - sneaky < options.MinSuccessRateDrop - 1e-12 ? ReasonNoDrop
            : null;
        return new AttackValidation(original, sneaky, reason is null, reason);
    }

    /// <summary>
    /// Zero-sum ±1 rewards: on a valid attack, critic "Incorrect" → critic +1, generator −1; "Correct" → critic −1,
    /// generator +1; an invalid verdict (after retries) is no contest (no record for either). A failed attack gives the
    /// generator −1 (its opponent is the solver, which is not trained) or nothing, per <see cref="SpcOptions.FailedAttack"/>.
    /// The paired original step gives the critic +1 for "Correct", −1 for "Incorrect", nothing when invalid.
    /// </summary>
    public static GameRewards Rewards(bool attackValid, CriticVerdict attackVerdict, CriticVerdict? pairedVerdict, SpcOptions? options = null)
    {
        options ??= SpcOptions.Default;
        if (!attackValid)
        {
            return new GameRewards(options.FailedAttack == FailedAttackRule.GeneratorLoses ? -1 : null, null, null);
        }

        int? critic = attackVerdict switch
        {
            CriticVerdict.Incorrect => 1,
            CriticVerdict.Correct => -1,
            _ => null,
        };
        int? paired = options.PairedSamples ? pairedVerdict switch
        {
            CriticVerdict.Correct => 1,
            CriticVerdict.Incorrect => -1,
            _ => null,
        } : null;
        return new GameRewards(-critic, critic, paired);
    }

    private static double Rate(IReadOnlyList<bool> outcomes) => outcomes.Count == 0 ? 0 : (double)outcomes.Count(o => o) / outcomes.Count;
}
