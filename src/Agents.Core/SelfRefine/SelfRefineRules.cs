using Agents.Core.Voting;

namespace Agents.Core.SelfRefine;

/// <summary>Self-Refine's stopping and aggregation rules (docs/algorithms.md §4.5).</summary>
public static class SelfRefineRules
{
    /// <summary>The phrase that ends the loop.</summary>
    public const string StopPhrase = "it is correct";

    /// <summary>True when the feedback contains "it is correct" (case-insensitive), as in the official loop (docs/algorithms.md §4.5).</summary>
    public static bool ShouldStop(string? feedback) =>
        feedback is not null && feedback.Contains(StopPhrase, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The answer of k independent runs: the single run's answer when k = 1, otherwise the plain majority over the non-empty
    /// answers (ties to the first seen).
    /// </summary>
    public static string? FinalAnswer(IReadOnlyList<string?> answers, VoteKey key = VoteKey.Raw)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return answers.Count switch
        {
            0 => null,
            1 => answers[0],
            _ => MajorityVote.Select(answers, key, dropEmpty: true).Answer,
        };
    }
}
