using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfPlay;

/// <summary>A step critic's verdict on the last step (docs/algorithms.md §3.4): correct (+1), incorrect (−1), or invalid output.</summary>
public enum CriticVerdict
{
    /// <summary>The output had no verdict tag, or the tag held neither "Correct" nor "Incorrect"; counted, never thrown.</summary>
    Invalid,

    /// <summary><c>&lt;Answer&gt;Correct&lt;/Answer&gt;</c>: the step is judged right.</summary>
    Correct,

    /// <summary><c>&lt;Answer&gt;Incorrect&lt;/Answer&gt;</c>: the step is judged wrong.</summary>
    Incorrect,
}

/// <summary>The parts of a critic request read back from its user message.</summary>
/// <param name="Problem">The problem text.</param>
/// <param name="PreviousSteps">The previous steps (empty when the placeholder was shown).</param>
/// <param name="LastStep">The step under judgment.</param>
public sealed record CriticRequest(string Problem, ImmutableArray<string> PreviousSteps, string LastStep);

/// <summary>
/// Builds the SPC step critic's prompt in the exact interface of docs/algorithms.md §3.4 and parses its verdict from the first
/// <c>&lt;Answer&gt;…&lt;/Answer&gt;</c>.
/// </summary>
public static class CriticPrompt
{
    /// <summary>The joiner between previous steps in the partial solution (a blank line; docs/algorithms.md §5.5, recorded in game records).</summary>
    public const string StepJoiner = "\n\n";

    /// <summary>
    /// The chat messages of one critic call: the critic instruction as system message (template <c>spc.critic.system</c>),
    /// then the three sections in the exact §3.4 form (not a template: the format is the interface).
    /// </summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string problem, IReadOnlyList<string> previousSteps, string lastStep)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return
        [
            new(ChatRole.System, templates.Render("spc.critic.system")),
            new(ChatRole.User, UserMessage(problem, previousSteps, lastStep)),
        ];
    }

    /// <summary>
    /// The user message: <c>## Problem</c>, <c>## Partial Solution</c> (the previous steps joined by a blank line, or
    /// "Let's solve this problem." when there are none) and <c>## Last Step</c>, each followed by its text on the next line.
    /// </summary>
    public static string UserMessage(string problem, IReadOnlyList<string> previousSteps, string lastStep)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(previousSteps);
        ArgumentNullException.ThrowIfNull(lastStep);
        var partial = PartialSolution(previousSteps);
        return $"{PromptMarkers.CriticProblem}\n{problem.Trim()}\n\n{PromptMarkers.CriticPartialSolution}\n{partial}\n\n" +
            $"{PromptMarkers.CriticLastStep}\n{lastStep.Trim()}";
    }

    /// <summary>The previous steps joined by a blank line, or "Let's solve this problem." when there are none (§3.4).</summary>
    public static string PartialSolution(IReadOnlyList<string> previousSteps) =>
        previousSteps.Count == 0 ? PromptMarkers.CriticEmptyPartialSolution : string.Join(StepJoiner, previousSteps.Select(s => s.Trim()));

    /// <summary>Reads a user message built by <see cref="UserMessage"/> back into its parts; null when it is not one.</summary>
    public static CriticRequest? TryRead(string? userMessage)
    {
        if (userMessage is null || !userMessage.StartsWith(PromptMarkers.CriticProblem + "\n", StringComparison.Ordinal))
        {
            return null;
        }

        var partialHeading = "\n\n" + PromptMarkers.CriticPartialSolution + "\n";
        var lastHeading = "\n\n" + PromptMarkers.CriticLastStep + "\n";
        var partialAt = userMessage.IndexOf(partialHeading, StringComparison.Ordinal);
        var lastAt = userMessage.LastIndexOf(lastHeading, StringComparison.Ordinal);
        if (partialAt < 0 || lastAt < partialAt)
        {
            return null;
        }

        var problem = userMessage[(PromptMarkers.CriticProblem.Length + 1)..partialAt].Trim();
        var partial = userMessage[(partialAt + partialHeading.Length)..lastAt].Trim();
        var previous = partial == PromptMarkers.CriticEmptyPartialSolution
            ? []
            : partial.Split(StepJoiner, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray();
        return new CriticRequest(problem, previous, userMessage[(lastAt + lastHeading.Length)..].Trim());
    }

    /// <summary>
    /// The verdict of a critic output (never throws): the text between the first <c>&lt;Answer&gt;</c> and the first
    /// <c>&lt;/Answer&gt;</c> after it, trimmed; "correct" or "incorrect" in any case, anything else (or no tag) is invalid.
    /// </summary>
    public static CriticVerdict Parse(string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return CriticVerdict.Invalid;
        }

        var open = output.IndexOf(PromptMarkers.VerdictOpen, StringComparison.Ordinal);
        if (open < 0)
        {
            return CriticVerdict.Invalid;
        }

        var start = open + PromptMarkers.VerdictOpen.Length;
        var close = output.IndexOf(PromptMarkers.VerdictClose, start, StringComparison.Ordinal);
        if (close < 0)
        {
            return CriticVerdict.Invalid;
        }

        var tag = output[start..close].Trim();
        return tag.Equals("correct", StringComparison.OrdinalIgnoreCase) ? CriticVerdict.Correct
            : tag.Equals("incorrect", StringComparison.OrdinalIgnoreCase) ? CriticVerdict.Incorrect
            : CriticVerdict.Invalid;
    }

    /// <summary>The verdict as the paper's label: +1 correct, −1 incorrect, 0 invalid.</summary>
    public static int Label(CriticVerdict verdict) => verdict switch
    {
        CriticVerdict.Correct => 1,
        CriticVerdict.Incorrect => -1,
        _ => 0,
    };
}
