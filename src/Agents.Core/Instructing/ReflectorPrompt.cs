using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>
/// Builds the IoRT Reflector's two calls (docs/algorithms.md §2.4, §2.6): a CRITIC-style critique of the current basic response,
/// then, in the same conversation, the revised response after "Here's the better answer:"; parses both parts.
/// </summary>
public static class ReflectorPrompt
{
    /// <summary>
    /// The chat messages of the critique call: each example's critique exchange, then the question, the response under
    /// reflection and "What's the problem with the above answer?".
    /// </summary>
    public static IList<ChatMessage> BuildCritique(PromptTemplates templates, string question, string response, IReadOnlyList<ReflectorExample>? examples = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(response);
        var messages = new List<ChatMessage>();
        foreach (var example in examples ?? [])
        {
            messages.Add(Critique(templates, example.Question, example.Answer));
            messages.Add(new ChatMessage(ChatRole.Assistant, example.Critique.Trim()));
        }

        messages.Add(Critique(templates, question, response));
        return messages;
    }

    /// <summary>
    /// The chat messages of the revision call: each example's whole exchange (critique, revision request, better answer),
    /// then the critique conversation, the critique as the assistant's turn, then the revision request.
    /// </summary>
    public static IList<ChatMessage> BuildRevision(PromptTemplates templates, string question, string response, string critique, IReadOnlyList<ReflectorExample>? examples = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(critique);
        var messages = new List<ChatMessage>();
        foreach (var example in examples ?? [])
        {
            messages.Add(Critique(templates, example.Question, example.Answer));
            messages.Add(new ChatMessage(ChatRole.Assistant, example.Critique.Trim()));
            messages.Add(new ChatMessage(ChatRole.User, templates.Render("iort.reflector.revise")));
            messages.Add(new ChatMessage(ChatRole.Assistant, $"{PromptMarkers.BetterAnswerLead}\n{example.BetterAnswer.Trim()}"));
        }

        messages.Add(Critique(templates, question, response));
        messages.Add(new ChatMessage(ChatRole.Assistant, critique.Trim()));
        messages.Add(new ChatMessage(ChatRole.User, templates.Render("iort.reflector.revise")));
        return messages;
    }

    private static ChatMessage Critique(PromptTemplates templates, string question, string response) =>
        new(ChatRole.User, templates.Render("iort.reflector.critique", ("question", question.Trim()), ("response", response.Trim())));

    /// <summary>
    /// Splits a Reflector output at the last "Here's the better answer:" (never throws): the critique before it, the revision
    /// after it; with no lead the whole text is the critique and there is no revision.
    /// </summary>
    public static Reflection Parse(string? text)
    {
        var body = text?.Trim() ?? string.Empty;
        var lead = body.LastIndexOf(PromptMarkers.BetterAnswerLead, StringComparison.OrdinalIgnoreCase);
        if (lead < 0)
        {
            return new Reflection(body, null);
        }

        var revision = body[(lead + PromptMarkers.BetterAnswerLead.Length)..].Trim();
        return new Reflection(body[..lead].Trim(), Usable(revision) ? revision : null);
    }

    /// <summary>
    /// The revised response of a revision call (never throws): the text after the lead when present, else the whole text
    /// (a model that omits the lead still answers); null when blank or the cannot-solve text.
    /// </summary>
    public static string? ParseRevision(string? text)
    {
        var body = text?.Trim() ?? string.Empty;
        if (body.Contains(PromptMarkers.BetterAnswerLead, StringComparison.OrdinalIgnoreCase))
        {
            return Parse(body).Revision;
        }

        return Usable(body) ? body : null;
    }

    private static bool Usable(string text) =>
        text.Length > 0 && !string.Equals(text, PromptMarkers.CannotSolve, StringComparison.Ordinal);
}
