using Agents.Contracts.Solving;
using Agents.Inference.Accounting;

namespace Agents.Inference.Tests;

public sealed class TokenLedgerTests
{
    [Fact]
    public void TotalsByRole_ConcurrentRecords_SumsPerRole()
    {
        var ledger = new TokenLedger();

        Parallel.For(0, 1000, i => ledger.Record(i % 2 == 0 ? ModelRoles.Solver : ModelRoles.Reviewer, i % 3, 1, 4, 100, 50, i % 5 == 0 ? 1 : 0));

        var totals = ledger.TotalsByRole();
        Assert.Equal(new TokenUsage(500, 2000, 50_000, 25_000, 100), totals[ModelRoles.Solver]);
        Assert.Equal(new TokenUsage(500, 2000, 50_000, 25_000, 100), totals[ModelRoles.Reviewer]);
        Assert.Equal(new TokenUsage(1000, 4000, 100_000, 50_000, 200), ledger.Total);
        Assert.Equal(1000, ledger.Entries.Count);
    }

    [Fact]
    public void Count_Text_UsesRealTokenizer()
    {
        Assert.Equal(0, TokenCounter.Count(""));
        Assert.Equal(10, TokenCounter.Count("The quick brown fox jumps over the lazy dog."));
    }
}
