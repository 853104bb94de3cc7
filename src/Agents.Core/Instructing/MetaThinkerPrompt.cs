using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Instructing;

/// <summary>Builds the IoRT Meta-Thinker's few-shot prompt from retrieved (question, meta-thought) pairs and parses its output.</summary>
public static partial class MetaThinkerPrompt
{
    /// <summary>The chat messages of one Meta-Thinker call: the examples as question/meta-thought blocks, then the question with an empty meta-thought heading.</summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string question, IReadOnlyList<MetaExample> examples)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(examples);
        // Templates iort.meta-thinker.system, .example (each followed by a blank line) and .request.
        var text = new StringBuilder();
        foreach (var example in examples)
        {
            text.Append(templates.Render("iort.meta-thinker.example", ("question", example.Question.Trim()), ("meta_thought", example.MetaThought.Trim())))
                .Append("\n\n");
        }

        text.Append(templates.Render("iort.meta-thinker.request", ("question", question.Trim())));
        return
        [
            new(ChatRole.System, templates.Render("iort.meta-thinker.system")),
            new(ChatRole.User, text.ToString()),
        ];
    }

    /// <summary>
    /// Parses a Meta-Thinker output (never throws): drops a leading meta-thought heading or "Meta-thought:" label and anything
    /// after a following question heading; blank text, the cannot-solve text or a boxed answer make it invalid.
    /// </summary>
    public static MetaThought Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MetaThought(string.Empty, false);
        }

        var body = text.Trim();
        var heading = body.LastIndexOf(PromptMarkers.MetaThought, StringComparison.Ordinal);
        if (heading >= 0)
        {
            body = body[(heading + PromptMarkers.MetaThought.Length)..];
        }

        var next = body.IndexOf(PromptMarkers.Question, StringComparison.Ordinal);
        if (next >= 0)
        {
            body = body[..next];
        }

        body = Label().Replace(body.Trim(), string.Empty).Trim();
        var valid = body.Length > 0
            && !body.Contains(PromptMarkers.CannotSolve, StringComparison.Ordinal)
            && AnswerExtractor.LastBoxed(body) is null;
        return new MetaThought(valid ? body : string.Empty, valid);
    }

    [GeneratedRegex(@"^meta[- ]?thought\s*:\s*", RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex Label();
}
