using System.Text.RegularExpressions;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfPlay;

/// <summary>Why a sneaky generator output is or is not a usable attack.</summary>
public enum AttackParseStatus
{
    /// <summary>An error type from the list and a modified step that differs from the original.</summary>
    Ok,

    /// <summary>No "Error Type:" line.</summary>
    MissingErrorType,

    /// <summary>The named error type is not one of the configured ones.</summary>
    UnknownErrorType,

    /// <summary>No "Modified Step:" label, or nothing after it.</summary>
    MissingStep,

    /// <summary>The modified step equals the original (ignoring surrounding white space).</summary>
    Unchanged,
}

/// <summary>A parsed sneaky generator output.</summary>
/// <param name="Status">Whether the attack is usable.</param>
/// <param name="ErrorType">The named error type as written (null when missing).</param>
/// <param name="ModifiedStep">The modified step (null when missing).</param>
public sealed record SneakyAttack(AttackParseStatus Status, string? ErrorType, string? ModifiedStep)
{
    /// <summary>True when the attack can be validated and judged.</summary>
    public bool IsUsable => Status == AttackParseStatus.Ok;
}

/// <summary>The parts of a sneaky generator request read back from its user message.</summary>
/// <param name="Problem">The problem text.</param>
/// <param name="PreviousSteps">The steps before the attacked one.</param>
/// <param name="CorrectStep">The step to attack.</param>
/// <param name="ErrorTypes">The error types offered.</param>
public sealed record SneakyRequest(string Problem, ImmutableArray<string> PreviousSteps, string CorrectStep, ImmutableArray<string> ErrorTypes);

/// <summary>
/// Builds the SPC sneaky generator's prompt (problem, partial solution, the correct step, the error types; docs/algorithms.md §3.3)
/// and parses its output: "Error Type: …", a plan, then "Modified Step: …".
/// </summary>
public static partial class SneakyGeneratorPrompt
{
    /// <summary>The chat messages of one generator call (template <c>spc.sneaky.user</c>).</summary>
    public static IList<ChatMessage> Build(
        PromptTemplates templates, string problem, IReadOnlyList<string> previousSteps, string correctStep, IReadOnlyList<string> errorTypes)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(errorTypes);
        if (errorTypes.Count == 0)
        {
            throw new ArgumentException("At least one error type is needed.", nameof(errorTypes));
        }

        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(previousSteps);
        ArgumentNullException.ThrowIfNull(correctStep);
        var types = string.Join("\n", errorTypes.Select((t, i) => $"{i + 1}. {t.Trim()}"));
        return
        [
            new(ChatRole.User, templates.Render(
                "spc.sneaky.user",
                ("problem", problem.Trim()),
                ("partial_solution", CriticPrompt.PartialSolution(previousSteps)),
                ("correct_step", correctStep.Trim()),
                ("error_types", types))),
        ];
    }

    /// <summary>Reads a user message built by <see cref="Build"/> back into its parts; null when it is not one.</summary>
    public static SneakyRequest? TryRead(string? userMessage)
    {
        if (userMessage is null || !userMessage.EndsWith(PromptMarkers.SneakyInstruction, StringComparison.Ordinal))
        {
            return null;
        }

        var typesHeading = "\n\n" + PromptMarkers.SneakyErrorTypes + "\n";
        var typesAt = userMessage.LastIndexOf(typesHeading, StringComparison.Ordinal);
        if (typesAt < 0)
        {
            return null;
        }

        var context = userMessage[..typesAt]
            .Replace("\n\n" + PromptMarkers.SneakyCorrectStep + "\n", "\n\n" + PromptMarkers.CriticLastStep + "\n", StringComparison.Ordinal);
        var request = CriticPrompt.TryRead(context);
        if (request is null)
        {
            return null;
        }

        var typesText = userMessage[(typesAt + typesHeading.Length)..^PromptMarkers.SneakyInstruction.Length];
        var types = typesText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => ListNumber().Replace(line, string.Empty))
            .ToImmutableArray();
        return new SneakyRequest(request.Problem, request.PreviousSteps, request.LastStep, types);
    }

    /// <summary>
    /// Parses a generator output (never throws): the first "Error Type:" line names the type (matched case-insensitively
    /// against <paramref name="errorTypes"/>; a leading "Error Type 2:"-style number is allowed), the text after the last
    /// "Modified Step:" is the modified step.
    /// </summary>
    public static SneakyAttack Parse(string? output, string originalStep, IReadOnlyList<string> errorTypes)
    {
        ArgumentNullException.ThrowIfNull(errorTypes);
        var text = output ?? string.Empty;
        var typeMatch = ErrorTypeLine().Match(text);
        var errorType = typeMatch.Success ? typeMatch.Groups["type"].Value.Trim().TrimEnd('.') : null;
        var stepAt = text.LastIndexOf(PromptMarkers.SneakyModifiedStepLabel, StringComparison.OrdinalIgnoreCase);
        var step = stepAt < 0 ? null : text[(stepAt + PromptMarkers.SneakyModifiedStepLabel.Length)..].Trim();
        if (string.IsNullOrEmpty(step))
        {
            step = null;
        }

        var status = errorType is null or "" ? AttackParseStatus.MissingErrorType
            : !errorTypes.Any(t => t.Trim().Equals(errorType, StringComparison.OrdinalIgnoreCase)) ? AttackParseStatus.UnknownErrorType
            : step is null ? AttackParseStatus.MissingStep
            : string.Equals(step, originalStep?.Trim(), StringComparison.Ordinal) ? AttackParseStatus.Unchanged
            : AttackParseStatus.Ok;
        return new SneakyAttack(status, errorType is "" ? null : errorType, step);
    }

    [GeneratedRegex(@"^[ \t]*\**[ \t]*Error[ \t]+Type(?:[ \t]*[0-9]+)?[ \t]*\**[ \t]*:[ \t]*\**(?<type>[^\r\n*]*)", RegexOptions.Multiline | RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ErrorTypeLine();

    [GeneratedRegex(@"^[0-9]+\.[ \t]*", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ListNumber();
}
