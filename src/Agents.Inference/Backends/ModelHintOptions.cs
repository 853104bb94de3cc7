using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Backends;

/// <summary>
/// Which <see cref="WorkflowHints"/> OpenAI-compatible backends send to the server (or a router in front of it). Off unless configured.
/// </summary>
public sealed class ModelHintOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Models:Hints";

    /// <summary>
    /// The header carrying the problem run's session key (e.g. <c>x-session-id</c>, which llm-d's session affinity reads);
    /// null or empty = no header.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9-]{0,63}$", ErrorMessage = "Agents:Models:Hints:SessionHeader must be an HTTP header name (letters, digits, '-', at most 64).")]
    public string? SessionHeader { get; set; }

    /// <summary>Whether requests carry Dynamo-style <c>nvext.agent_hints</c> (priority, expected output length) when the workflow gives any.</summary>
    public bool AgentHints { get; set; }

    /// <summary>Whether any hint is sent.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SessionHeader) || AgentHints;

    /// <inheritdoc/>
    public override string ToString() =>
        Enabled ? $"hints: session header {(string.IsNullOrEmpty(SessionHeader) ? "off" : SessionHeader)}, agent hints {(AgentHints ? "on" : "off")}" : "hints off";
}
