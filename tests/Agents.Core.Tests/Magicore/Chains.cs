using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

internal static class Chains
{
    // One-step chain: s = prm when the answer is non-blank, so c = orm + prm.
    public static ScoredChain Of(string? answer, double orm, double prm, int round = 0, int index = 0) =>
        ScoredChain.Create($"Step 1: x. The answer is \\boxed{{{answer}}}.", answer, orm, [prm], round, index);
}
