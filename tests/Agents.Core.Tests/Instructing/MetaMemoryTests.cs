using Agents.Core.Instructing;

namespace Agents.Core.Tests.Instructing;

public sealed class MetaMemoryTests
{
    private static readonly MetaExample Apples = new("Mia has 3 apples and buys 2 more apples.", "Add the apples.");
    private static readonly MetaExample Trains = new("A train travels 60 miles per hour for 2 hours.", "Multiply speed by time.");
    private static readonly MetaExample Pears = new("Noah has 4 pears and buys 5 more pears.", "Add the pears.");
    private static readonly MetaExample Apples2 = new("Mia has 3 apples and buys 2 more apples.", "Count the apples.");

    [Fact]
    public void Retrieve_MostSimilarFirst_TiesInInsertionOrder()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.Snapshot, [Trains, Apples, Pears, Apples2]);

        var top = memory.Retrieve("Ava has 3 apples and buys 7 more apples.", 3);

        Assert.Equal([Apples, Apples2, Pears], top);
    }

    [Fact]
    public void Retrieve_KLargerThanMemory_ReturnsAllAndZeroReturnsNone()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.Snapshot, [Trains, Apples]);

        Assert.Equal(2, memory.Retrieve("apples", 10).Count);
        Assert.Empty(memory.Retrieve("apples", 0));
        Assert.Empty(new MetaMemory(MetaMemoryPolicy.Snapshot).Retrieve("apples", 3));
    }

    [Fact]
    public void Record_Snapshot_KeepsSeedOnly()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.Snapshot, [Trains]);

        Assert.False(memory.Record(Apples));
        Assert.Equal([Trains], memory.Examples);
    }

    [Fact]
    public void Record_SharedGrowing_AppendsInOrderAndCopyResets()
    {
        var seed = new MetaMemory(MetaMemoryPolicy.SharedGrowing, [Trains]);
        var run = seed.Copy();

        Assert.True(run.Record(Apples));
        Assert.True(run.Record(Pears));
        Assert.Equal([Trains, Apples, Pears], run.Examples);
        Assert.Equal([Trains], seed.Examples.ToArray());
    }

    [Fact]
    public void TokenJaccard_Case_IgnoredAndEmptyScoresZero()
    {
        var scores = TokenJaccardSimilarity.Instance.Score("Mia HAS apples", ["mia has apples", "pears", ""]);

        Assert.Equal([1.0, 0.0, 0.0], scores);
    }

    [Fact]
    public void Retrieve_CustomSimilarity_IsUsed()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.Snapshot, [Apples, Trains], new LengthSimilarity());

        Assert.Equal([Trains], memory.Retrieve("x", 1));
    }

    [Fact]
    public void ReadJsonl_MixedLines_KeepsValidAndReportsOthers()
    {
        var text = string.Join('\n',
            """{"question": "Q1", "meta_thought": "M1"}""",
            "",
            "not json",
            """{"question": "Q2"}""",
            """{"question": " ", "meta_thought": "M"}""",
            "[1, 2]",
            """{"question": "Q3", "meta_thought": "M3", "extra": 1}""");

        var seed = MetaMemorySeed.ReadJsonl(new StringReader(text));

        Assert.Equal([new MetaExample("Q1", "M1"), new MetaExample("Q3", "M3")], seed.Examples.ToArray());
        Assert.Equal(4, seed.Errors.Length);
        Assert.StartsWith("line 3:", seed.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void WriteJsonl_RoundTrips()
    {
        var writer = new StringWriter();
        MetaMemorySeed.WriteJsonl(writer, [Apples, new MetaExample("Quote \" and\nnewline", "M")]);

        var seed = MetaMemorySeed.ReadJsonl(new StringReader(writer.ToString()));

        Assert.Equal([Apples, new MetaExample("Quote \" and\nnewline", "M")], seed.Examples.ToArray());
        Assert.Empty(seed.Errors);
    }

    [Theory]
    [InlineData("snapshot", MetaMemoryPolicy.Snapshot)]
    [InlineData("Shared-Growing", MetaMemoryPolicy.SharedGrowing)]
    public void Policies_ParseAndName_RoundTrip(string name, MetaMemoryPolicy policy)
    {
        Assert.Equal(policy, MetaMemoryPolicies.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), MetaMemoryPolicies.Name(policy));
    }

    private sealed class LengthSimilarity : ISimilarity
    {
        public IReadOnlyList<double> Score(string query, IReadOnlyList<string> candidates) => [.. candidates.Select(c => (double)c.Length)];
    }
}
