using Agents.Core.Voting;

namespace Agents.Core.Tests.Voting;

public sealed class WeightedVoteTests
{
    [Fact]
    public void Select_HeavierMinority_BeatsLighterMajority()
    {
        var outcome = WeightedVote.Select([("1", 0.2), ("1", 0.3), ("2", 1.5)], VoteKey.Raw);
        Assert.Equal(new VoteOutcome("2", 1.5, 1, 2), outcome);
    }

    [Fact]
    public void Select_SummedWeight_AggregatesPerKey()
    {
        var outcome = WeightedVote.Select([("1", 0.75), ("2", 1.0), ("1", 0.75)], VoteKey.Raw);
        Assert.Equal("1", outcome.Answer);
        Assert.Equal(1.5, outcome.Score, 12);
        Assert.Equal(2, outcome.Votes);
    }

    [Fact]
    public void Select_Tie_FirstInsertedWins()
    {
        Assert.Equal("b", WeightedVote.Select([("b", 1.0), ("a", 0.5), ("a", 0.5)], VoteKey.Raw).Answer);
        Assert.Equal("a", WeightedVote.Select([("a", 0.5), ("b", 1.0), ("a", 0.5)], VoteKey.Raw).Answer);
    }

    [Fact]
    public void Select_EmptyAnswers_AreExcludedWhateverTheirWeight()
    {
        var outcome = WeightedVote.Select([(null, 2.0), ("", 2.0), ("5", 0.1)], VoteKey.Raw);
        Assert.Equal(new VoteOutcome("5", 0.1, 1, 1), outcome);
        Assert.Equal(VoteOutcome.None, WeightedVote.Select([(null, 1.0)], VoteKey.Raw));
    }

    [Fact]
    public void Select_NormalizedKey_MergesEquivalentForms()
    {
        var outcome = WeightedVote.Select([("2", 1.0), ("\\frac{1}{2}", 0.6), ("0.5", 0.6)], VoteKey.Normalized);
        Assert.Equal("\\frac{1}{2}", outcome.Answer);
        Assert.Equal(1.2, outcome.Score, 12);
    }
}
