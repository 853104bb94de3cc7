using Agents.Core.Voting;

namespace Agents.Core.Tests.Voting;

public sealed class MajorityVoteTests
{
    [Fact]
    public void Select_ClearMajority_ReturnsItWithShare()
    {
        var outcome = MajorityVote.Select(["3", "4", "3", "5"], VoteKey.Raw, dropEmpty: true);
        Assert.Equal(new VoteOutcome("3", 0.5, 2, 3), outcome);
    }

    [Fact]
    public void Select_Tie_FirstOccurrenceWins()
    {
        Assert.Equal("b", MajorityVote.Select(["b", "a", "a", "b"], VoteKey.Raw, dropEmpty: true).Answer);
        Assert.Equal("a", MajorityVote.Select(["a", "b", "b", "a"], VoteKey.Raw, dropEmpty: true).Answer);
    }

    [Fact]
    public void Select_EmptyKeptAsKey_EmptyCanWin()
    {
        var outcome = MajorityVote.Select([null, "", "7"], VoteKey.Raw, dropEmpty: false);
        Assert.Null(outcome.Answer);
        Assert.Equal(2, outcome.Votes);
        Assert.Equal(2, outcome.Distinct);
    }

    [Fact]
    public void Select_EmptyDropped_NonEmptyWins()
    {
        var outcome = MajorityVote.Select([null, "", "7"], VoteKey.Raw, dropEmpty: true);
        Assert.Equal(new VoteOutcome("7", 1.0, 1, 1), outcome);
    }

    [Fact]
    public void Select_RawKey_SeparatesEquivalentForms()
    {
        var outcome = MajorityVote.Select(["0.5", "\\frac{1}{2}", "\\dfrac{1}{2}", "3", "3"], VoteKey.Raw, dropEmpty: true);
        Assert.Equal("3", outcome.Answer);
        Assert.Equal(4, outcome.Distinct);
    }

    [Fact]
    public void Select_NormalizedKey_MergesEquivalentFormsAndReturnsFirstRaw()
    {
        var outcome = MajorityVote.Select(["3", "0.5", "\\frac{1}{2}", "\\dfrac{1}{2}", "3"], VoteKey.Normalized, dropEmpty: true);
        Assert.Equal(new VoteOutcome("0.5", 0.6, 3, 2), outcome);
    }

    [Fact]
    public void Select_NoAnswers_ReturnsNone()
    {
        Assert.Equal(VoteOutcome.None, MajorityVote.Select([], VoteKey.Raw, dropEmpty: false));
        Assert.Equal(VoteOutcome.None, MajorityVote.Select([null, " "], VoteKey.Raw, dropEmpty: true));
    }

    [Theory]
    [InlineData("raw", VoteKey.Raw)]
    [InlineData("Normalized", VoteKey.Normalized)]
    public void Parse_KnownName_RoundTripsThroughName(string name, VoteKey expected)
    {
        Assert.Equal(expected, VoteKeys.Parse(name));
        Assert.Equal(expected, VoteKeys.Parse(VoteKeys.Name(expected)));
    }

    [Fact]
    public void Parse_UnknownName_Throws() => Assert.Throws<ArgumentException>(() => VoteKeys.Parse("fuzzy"));
}
