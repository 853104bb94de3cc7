using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Prompts;

namespace Agents.Core.SelfPlay;

/// <summary>
/// Reads the solver's reply to a next-step request (<see cref="SolverContinuationPrompt.BuildNextStep"/>) as one
/// <see cref="StepProposal"/>; never throws.
/// </summary>
public static partial class NextStepParser
{
    /// <summary>
    /// The first step of the reply without its "Step n:" label (a model that writes more than one step has the rest cut
    /// off: the search judges one step at a time). The step is final when it holds a <c>\boxed{}</c> answer; an empty reply
    /// or the cannot-solve text is a final, empty step, so a chain whose solver gives up ends instead of running to
    /// <see cref="SpcSearchOptions.MaxSteps"/>.
    /// </summary>
    public static StepProposal Parse(string? output)
    {
        var text = output?.Trim() ?? string.Empty;
        if (text.Length == 0 || text == PromptMarkers.CannotSolve)
        {
            return new StepProposal(string.Empty, true);
        }

        text = LeadingLabel().Replace(text, string.Empty, 1);
        var next = LaterLabel().Match(text);
        if (next.Success)
        {
            text = text[..next.Index].TrimEnd();
        }

        return new StepProposal(text, text.Length == 0 || AnswerExtractor.LastBoxed(text) is not null);
    }

    [GeneratedRegex(@"^Step[ \t]+[0-9]+[ \t]*:[ \t]*", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex LeadingLabel();

    [GeneratedRegex(@"(?m)^[ \t]*Step[ \t]+[0-9]+[ \t]*:", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex LaterLabel();
}
