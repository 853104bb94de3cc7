namespace Agents.Core.Solving;

/// <summary>
/// What became of an assistant-turn prefill (docs/inference.md, "Prefilled assistant turns"). A backend reports how it
/// sent the prefill (<see cref="Prefilled"/>, <see cref="Sent"/> or <see cref="Refused"/>); <see cref="Classify"/> turns
/// that and the reply into the outcome a run records.
/// </summary>
public static class Prefill
{
    /// <summary>An in-process backend put the prefix into the model's context itself: the reply is its continuation.</summary>
    public const string Prefilled = "prefilled";

    /// <summary>Backend report: the request carried <c>continue_final_message: true, add_generation_prompt: false</c> and the server accepted it.</summary>
    public const string Sent = "sent";

    /// <summary>The server accepted the continuation parameters and the reply continued the prefix.</summary>
    public const string Continued = "continued";

    /// <summary>
    /// The reply opened with the prefix again: the server took the final assistant message as a finished turn and started a
    /// new one (it accepted but ignored the parameters, or the backend cannot say how it sent them).
    /// </summary>
    public const string Restarted = "restarted";

    /// <summary>The server rejected the continuation parameters (HTTP 400 naming them); the request was resent without them.</summary>
    public const string Refused = "refused";

    /// <summary>
    /// The outcome of one reply. A refusal or an in-process prefill is the backend's to report; otherwise the reply decides:
    /// a reply that begins (after white space) with the prefix restarted the turn, any other reply continued it.
    /// </summary>
    public static string Classify(string? backendReport, string prefix, string reply)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(reply);
        return backendReport switch
        {
            Refused => Refused,
            Prefilled => Prefilled,
            _ => RepeatsPrefix(prefix, reply) ? Restarted : Continued,
        };
    }

    /// <summary>The stored text: the prefix followed by the reply, unless the reply already starts with the prefix.</summary>
    public static string Join(string prefix, string reply)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(reply);
        return RepeatsPrefix(prefix, reply) ? reply.TrimStart() : prefix + reply;
    }

    /// <summary>One word for a batch of outcomes: the outcome when all agree, else <c>mixed(a=n,b=m)</c> in name order.</summary>
    public static string Summarize(IEnumerable<string> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var counts = outcomes.GroupBy(o => o, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        return counts.Count switch
        {
            0 => "none",
            1 => counts[0].Key,
            _ => $"mixed({string.Join(',', counts.Select(g => $"{g.Key}={g.Count()}"))})",
        };
    }

    private static bool RepeatsPrefix(string prefix, string reply) =>
        prefix.Trim().Length > 0 && reply.TrimStart().StartsWith(prefix.Trim(), StringComparison.Ordinal);
}
