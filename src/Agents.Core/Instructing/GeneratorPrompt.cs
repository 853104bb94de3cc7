using Agents.Core.Prompts;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>
/// Builds IoRT's generator ("refresh") prompt: the same few-shot prompt gives the initial response and every refreshed one,
/// each a fresh sample not conditioned on earlier responses (docs/algorithms.md §2.3). Natural-language chains with a boxed answer;
/// program-of-thought is out of scope.
/// </summary>
public static class GeneratorPrompt
{
    /// <summary>The chat messages of one generator call: each example as a solver turn and its solution, then the solver prompt for the question.</summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string question, IReadOnlyList<(string Question, string Solution)>? examples = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        var messages = new List<ChatMessage>();
        foreach (var (exampleQuestion, solution) in examples ?? [])
        {
            messages.AddRange(SolverPrompt.Build(templates, exampleQuestion));
            messages.Add(new ChatMessage(ChatRole.Assistant, solution.Trim()));
        }

        messages.AddRange(SolverPrompt.Build(templates, question));
        return messages;
    }
}
