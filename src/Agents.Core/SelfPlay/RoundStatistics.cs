namespace Agents.Core.SelfPlay;

/// <summary>
/// The per-round statistics of a league (see docs/spc.md): critic accuracy on attacked and on original steps, generator
/// success against the solver and against the critic, the invalid-attack rate, calls and tokens. Rates are 0 when their
/// denominator is empty. Games the generator never played (no correct solution, or failed after every attempt) are counted
/// on their own and left out of the generator's denominators.
/// </summary>
/// <param name="Round">The round.</param>
/// <param name="Games">Games recorded (failed and no-solution games included).</param>
/// <param name="ValidGames">Games whose attack passed validation.</param>
/// <param name="CriticAccuracyAttacked">Share of valid games whose critic said "Incorrect" on the modified step (invalid verdicts count as wrong).</param>
/// <param name="CriticAccuracyOriginal">Share of paired original steps judged "Correct" (invalid verdicts count as wrong).</param>
/// <param name="GeneratorSuccessVsSolver">Share of attacked games whose attack passed validation (it broke the solver).</param>
/// <param name="GeneratorSuccessVsCritic">Share of valid games whose critic said "Correct" on the modified step (the generator won).</param>
/// <param name="InvalidAttackRate">Share of attacked games whose attack failed to parse or to validate.</param>
/// <param name="CriticInvalidOutputs">Critic outputs without a valid verdict, retries included.</param>
/// <param name="Calls">Model calls.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
/// <param name="FailedGames">Games recorded as failed after their last attempt (<see cref="SpcGame.ReasonGameFailed"/>).</param>
/// <param name="NoSolutionGames">Games whose solver found no correct solution (<see cref="SpcGame.ReasonNoCorrectSolution"/>).</param>
public sealed record RoundStatistics(
    int Round,
    int Games,
    int ValidGames,
    double CriticAccuracyAttacked,
    double CriticAccuracyOriginal,
    double GeneratorSuccessVsSolver,
    double GeneratorSuccessVsCritic,
    double InvalidAttackRate,
    int CriticInvalidOutputs,
    long Calls,
    long PromptTokens,
    long CompletionTokens,
    int FailedGames = 0,
    int NoSolutionGames = 0)
{
    /// <summary>The statistics of one round's records.</summary>
    public static RoundStatistics Compute(int round, IReadOnlyCollection<GameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var valid = records.Where(r => r.Valid).ToArray();
        var attacked = records.Count(r => SpcGame.Attacked(r.InvalidReason));
        var paired = valid.Where(r => r.Turns.Any(t => t.Player == SpcPlayers.PairedCritic)).ToArray();
        return new RoundStatistics(
            round,
            records.Count,
            valid.Length,
            Share(valid.Count(r => r.AttackVerdict == CriticVerdict.Incorrect), valid.Length),
            Share(paired.Count(r => r.PairedVerdict == CriticVerdict.Correct), paired.Length),
            Share(valid.Length, attacked),
            Share(valid.Count(r => r.AttackVerdict == CriticVerdict.Correct), valid.Length),
            Share(attacked - valid.Length, attacked),
            records.Sum(r => r.CriticInvalidOutputs),
            records.Sum(r => (long)r.Calls),
            records.Sum(r => r.PromptTokens),
            records.Sum(r => r.CompletionTokens),
            records.Count(r => r.InvalidReason == SpcGame.ReasonGameFailed),
            records.Count(r => r.InvalidReason == SpcGame.ReasonNoCorrectSolution));
    }

    private static double Share(int count, int total) => total == 0 ? 0 : (double)count / total;
}
