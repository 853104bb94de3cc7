namespace Agents.Core.Jobs;

/// <summary>
/// The order in which a replica serves the model calls waiting for a slot (higher first, first come first served among
/// equals): a problem run's later rounds before its earlier ones, and within a round a step that depends on an earlier
/// step of the round (a refinement after its review) before the round's first step. A job keeps every problem in flight,
/// so a replica's queue holds the first rounds of many problems beside the later rounds of the few that stay hard; the
/// job ends when the last of those finishes its chain of dependent calls, and serving them first keeps that chain from
/// waiting behind work that has slack. Only the order of waiting calls changes: every call, seed and answer is the same.
/// </summary>
public static class StepPriority
{
    /// <summary>Stages a round may have (a call's stage is clamped to the last).</summary>
    public const int StagesPerRound = 4;

    /// <summary>The priority of calls outside a run's rounds (and of round 0's first stage).</summary>
    public const int Default = 0;

    /// <summary>The priority of a call in round <paramref name="round"/> (0-based) at stage <paramref name="stage"/> of the round.</summary>
    /// <param name="round">The method round (0 = the initial draw); negative rounds count as 0.</param>
    /// <param name="stage">The call's position in the round's chain of dependent calls (0 = first); clamped to 0..3.</param>
    public static int For(int round, int stage) =>
        (int)Math.Min(int.MaxValue, ((long)Math.Max(round, 0) * StagesPerRound) + Math.Clamp(stage, 0, StagesPerRound - 1));
}
