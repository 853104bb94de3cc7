using System.Diagnostics.CodeAnalysis;

namespace Agents.Inference.Rewards;

/// <summary>The kind of reward backend a <see cref="RewardSpec"/> names.</summary>
public enum RewardSpecKind
{
    /// <summary>The simulated reward models (<c>sim</c>).</summary>
    Sim,

    /// <summary>A reward server speaking vLLM's pooling API (<c>http:URL[#MODEL]</c>).</summary>
    Http,

    /// <summary>A generative judge on a chat backend (<c>judge:MODEL-SPEC</c>).</summary>
    Judge,
}

/// <summary>A parsed reward spec: <c>sim</c>, <c>http:URL[#MODEL]</c> or <c>judge:MODEL-SPEC</c>.</summary>
/// <param name="Kind">The backend kind.</param>
/// <param name="Text">The spec as written (trimmed).</param>
/// <param name="Endpoint">The reward server's base URL (for <see cref="RewardSpecKind.Http"/>), e.g. <c>http://127.0.0.1:8000</c>.</param>
/// <param name="Model">The PRM model name sent to the server, or null to let the server pick its only model.</param>
/// <param name="JudgeModel">The chat model spec of the judge (for <see cref="RewardSpecKind.Judge"/>), see <see cref="ModelSpec.AcceptedForms"/>.</param>
public sealed record RewardSpec(RewardSpecKind Kind, string Text, Uri? Endpoint = null, string? Model = null, string? JudgeModel = null)
{
    /// <summary>The accepted forms, for error messages and help text.</summary>
    public const string AcceptedForms = "sim, http:URL[#MODEL] (a vLLM pooling server, e.g. http:http://127.0.0.1:8001#math-shepherd-mistral-7b-prm), judge:MODEL-SPEC (e.g. judge:openai:http://127.0.0.1:8000/v1#Qwen2.5-7B or judge:sim)";

    /// <summary>The simulated reward models.</summary>
    public static RewardSpec Sim { get; } = new(RewardSpecKind.Sim, "sim");

    /// <summary>Parses a spec; throws <see cref="ArgumentException"/> naming the spec and the accepted forms.</summary>
    public static RewardSpec Parse(string spec) => TryParse(spec, out var parsed, out var reason)
        ? parsed
        : throw new ArgumentException($"Invalid reward spec '{spec}': {reason}. Accepted forms: {AcceptedForms}.", nameof(spec));

    /// <summary>Parses a spec without throwing.</summary>
    public static bool TryParse(string? spec, [NotNullWhen(true)] out RewardSpec? parsed) => TryParse(spec, out parsed, out _);

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static bool TryParse(string? spec, [NotNullWhen(true)] out RewardSpec? parsed, out string reason)
    {
        parsed = null;
        reason = string.Empty;
        var text = spec?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            reason = "the spec is empty";
            return false;
        }

        if (string.Equals(text, "sim", StringComparison.OrdinalIgnoreCase))
        {
            parsed = Sim;
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon <= 0 ? string.Empty : text[..colon].ToLowerInvariant();
        var rest = colon <= 0 ? string.Empty : text[(colon + 1)..];
        switch (scheme)
        {
            case "judge":
                if (!ModelSpec.TryParse(rest, out var model))
                {
                    reason = $"judge: needs a valid model spec ({ModelSpec.AcceptedForms})";
                    return false;
                }

                parsed = new RewardSpec(RewardSpecKind.Judge, text, JudgeModel: model.Text);
                return true;
            case "http":
                var hash = rest.LastIndexOf('#');
                var url = hash < 0 ? rest : rest[..hash];
                var name = hash < 0 ? null : rest[(hash + 1)..];
                if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                {
                    reason = $"'{url}' is not an absolute http(s) URL";
                    return false;
                }

                if (!string.IsNullOrEmpty(endpoint.UserInfo))
                {
                    reason = "the URL must not carry credentials";
                    return false;
                }

                parsed = new RewardSpec(RewardSpecKind.Http, text, endpoint, string.IsNullOrWhiteSpace(name) ? null : name);
                return true;
            default:
                reason = scheme.Length == 0 ? "unknown backend" : $"unknown backend '{scheme}'";
                return false;
        }
    }
}
