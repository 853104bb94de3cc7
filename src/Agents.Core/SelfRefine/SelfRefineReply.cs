using Agents.Core.Refining;

namespace Agents.Core.SelfRefine;

/// <summary>One one-call Self-Refine round's reply, split into its feedback and its rewrite.</summary>
/// <param name="Feedback">The feedback (the text before the revised-solution heading).</param>
/// <param name="Rewrite">The rewritten solution, or null when the reply has none.</param>
public sealed record SelfRefineReply(string Feedback, string? Rewrite)
{
    /// <summary>
    /// Splits a completion at the first revised-solution heading: the feedback before it, the rewrite after it (cleaned
    /// like a refiner's reply). Without the heading the whole text is feedback and there is no rewrite.
    /// </summary>
    public static SelfRefineReply Parse(string? raw)
    {
        var text = raw ?? string.Empty;
        var at = text.IndexOf(RefinerPrompt.RevisedSolutionHeading, StringComparison.Ordinal);
        if (at < 0)
        {
            return new SelfRefineReply(ReviewParser.Parse(text).Feedback, null);
        }

        var rewrite = RefinementParser.Clean(text[(at + RefinerPrompt.RevisedSolutionHeading.Length)..]);
        return new SelfRefineReply(ReviewParser.Parse(text[..at]).Feedback, rewrite.Length == 0 ? null : rewrite);
    }
}
