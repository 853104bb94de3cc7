using System.Globalization;
using System.Text;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfPlay;

/// <summary>The question and the steps of a continuation request read back from its user message.</summary>
/// <param name="Question">The problem text.</param>
/// <param name="Steps">The steps to continue from (without their "Step n:" labels).</param>
/// <param name="NextStepOnly">True for a next-step request (critic-guided search), false for a full continuation.</param>
public sealed record ContinuationRequest(string Question, ImmutableArray<string> Steps, bool NextStepOnly);

/// <summary>
/// Builds the solver prompts that start from given steps: a full continuation (SPC attack validation: N completions from
/// the original and from the modified step) and a single next step (critic-guided search, docs/algorithms.md §3.7).
/// </summary>
public static class SolverContinuationPrompt
{
    /// <summary>The messages asking the solver to finish the solution after <paramref name="steps"/>.</summary>
    public static IList<ChatMessage> BuildContinuation(PromptTemplates templates, string question, IReadOnlyList<string> steps) =>
        [new(ChatRole.User, Message(templates, question, steps, "spc.continue.user"))];

    /// <summary>The messages asking the solver for the one step after <paramref name="steps"/>.</summary>
    public static IList<ChatMessage> BuildNextStep(PromptTemplates templates, string question, IReadOnlyList<string> steps) =>
        [new(ChatRole.User, Message(templates, question, steps, "spc.next-step.user"))];

    /// <summary>The steps written as "Step 1: …" lines, the form the partial solution takes in these prompts.</summary>
    public static string Numbered(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var text = new StringBuilder();
        for (var i = 0; i < steps.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Step {i + 1}: ").AppendLine(steps[i].Trim());
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Reads a message built here back into its parts; null when it is not one.</summary>
    public static ContinuationRequest? TryRead(string? userMessage)
    {
        if (userMessage is null)
        {
            return null;
        }

        var nextOnly = userMessage.EndsWith(PromptMarkers.NextStepInstruction, StringComparison.Ordinal);
        if (!nextOnly && !userMessage.EndsWith(PromptMarkers.ContinueInstruction, StringComparison.Ordinal))
        {
            return null;
        }

        var questionAt = userMessage.IndexOf(PromptMarkers.Question, StringComparison.Ordinal);
        var partialAt = userMessage.IndexOf(PromptMarkers.PartialSolution, StringComparison.Ordinal);
        if (questionAt < 0 || partialAt < questionAt)
        {
            return null;
        }

        var instruction = nextOnly ? PromptMarkers.NextStepInstruction : PromptMarkers.ContinueInstruction;
        var question = userMessage[(questionAt + PromptMarkers.Question.Length)..partialAt].Trim();
        var partial = userMessage[(partialAt + PromptMarkers.PartialSolution.Length)..^instruction.Length].Trim();
        var steps = partial == PromptMarkers.CriticEmptyPartialSolution
            ? []
            : Solving.SolutionParser.Parse(partial).Steps.Select(s => s.Text).ToImmutableArray();
        return new ContinuationRequest(question, steps, nextOnly);
    }

    // Templates spc.continue.user and spc.next-step.user.
    private static string Message(PromptTemplates templates, string question, IReadOnlyList<string> steps, string template)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        var partial = steps.Count == 0 ? PromptMarkers.CriticEmptyPartialSolution : Numbered(steps);
        return templates.Render(template, ("question", question.Trim()), ("partial_solution", partial));
    }
}
