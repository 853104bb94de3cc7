using System.Text.RegularExpressions;
using Agents.Core.Answers;

namespace Agents.Core.Solving;

/// <summary>Turns a model's chain into a <see cref="Solution"/>: steps cut at line-initial "Step n:", and the answer.</summary>
public static partial class SolutionParser
{
    /// <summary>Parses a chain; text before the first "Step n:" label is its own step when non-blank.</summary>
    public static Solution Parse(string text)
    {
        var steps = ImmutableArray.CreateBuilder<Step>();
        var matches = StepLabel().Matches(text);
        if (matches.Count == 0)
        {
            foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                steps.Add(new Step(steps.Count, block));
            }
        }
        else
        {
            var preamble = text[..matches[0].Index].Trim();
            if (preamble.Length > 0)
            {
                steps.Add(new Step(steps.Count, preamble));
            }

            for (var i = 0; i < matches.Count; i++)
            {
                var start = matches[i].Index + matches[i].Length;
                var end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
                steps.Add(new Step(steps.Count, text[start..end].Trim()));
            }
        }

        return new Solution(text, steps.ToImmutable(), AnswerExtractor.Extract(text));
    }

    [GeneratedRegex(@"^[ \t]*Step[ \t]+\d+[ \t]*:[ \t]*", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex StepLabel();
}
