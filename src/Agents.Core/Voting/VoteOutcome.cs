namespace Agents.Core.Voting;

/// <summary>
/// The result of a vote: the winning answer (the first raw answer of the winning group; null when nothing was voted),
/// its score (vote share for a majority vote, summed weight for a weighted vote), how many chains voted for it, and
/// how many distinct keys took part.
/// </summary>
public sealed record VoteOutcome(string? Answer, double Score, int Votes, int Distinct)
{
    /// <summary>The outcome of a vote with no eligible chains.</summary>
    public static VoteOutcome None { get; } = new(null, 0, 0, 0);
}
