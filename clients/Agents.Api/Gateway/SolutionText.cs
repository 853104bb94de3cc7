using System.Text.RegularExpressions;
using Agents.Contracts.Runs;
using Agents.Core.Answers;

namespace Agents.Api.Gateway;

/// <summary>
/// The text a gateway answer carries: the latest solution in the run's transcript (a sample, a refinement, a rewrite)
/// whose extracted answer is the run's final answer, so the reply shows the reasoning and its <c>\boxed{}</c>.
/// Strategies that vote over chains or build one step at a time may have no such single message; then the answer is
/// stated on its own.
/// </summary>
public static partial class SolutionText
{
    private static readonly HashSet<string> SolutionKinds = new(StringComparer.Ordinal)
    {
        "sample", "refinement", "rewrite", "initial", "refresh", "revision",
    };

    /// <summary>The answer text for a run that answered <paramref name="answer"/>.</summary>
    public static string For(IReadOnlyList<TranscriptEntry> transcript, string? answer)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (answer is null)
        {
            return "The agents did not reach an answer.";
        }

        for (var i = transcript.Count - 1; i >= 0; i--)
        {
            var entry = transcript[i];
            if (!SolutionKinds.Contains(entry.Kind))
            {
                continue;
            }

            var text = Prefix().Replace(entry.Text, "", 1).Trim();
            if (AnswerExtractor.Extract(text) == answer)
            {
                return text;
            }
        }

        return $"The answer is \\boxed{{{answer}}}.";
    }

    // Transcript entries of multi-chain strategies name their chain ("chain 3:\n…", "run 0: …"); the answer does not.
    [GeneratedRegex(@"^(chain|run) \d+:\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Prefix();
}
