namespace Agents.Core.Magicore;

/// <summary>Reward-model forward passes of one problem.</summary>
/// <param name="Orm">ORM passes.</param>
/// <param name="Prm">PRM passes.</param>
public sealed record RewardModelPasses(int Orm, int Prm);

/// <summary>MAgICoRe's per-problem compute accounting (docs/algorithms.md §1.9).</summary>
public static class MagicoreAccounting
{
    /// <summary>LLM generations of a problem refined in <paramref name="refinedRounds"/> iterations: <c>k + 2·k·r</c>.</summary>
    public static int Generations(int k, int refinedRounds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(refinedRounds);
        return k + (2 * k * refinedRounds);
    }

    /// <summary>
    /// RM passes: k ORM and <paramref name="initialPrm"/> (≤ k, answerless chains skip the PRM) PRM passes initially; per
    /// refined iteration k PRM passes to annotate the old chains, k ORM passes and k PRM passes on the refined chains, or
    /// 2k PRM passes when <paramref name="duplicatePrmScoring"/> (the code scores and annotates them separately).
    /// </summary>
    public static RewardModelPasses Passes(int k, int refinedRounds, int initialPrm, bool duplicatePrmScoring)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(refinedRounds);
        ArgumentOutOfRangeException.ThrowIfNegative(initialPrm);
        var prmPerRound = k + (duplicatePrmScoring ? 2 * k : k);
        return new RewardModelPasses(k + (k * refinedRounds), initialPrm + (prmPerRound * refinedRounds));
    }
}
