using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Agents.Inference;

/// <summary>The kind of model backend a <see cref="ModelSpec"/> names.</summary>
public enum ModelSpecKind
{
    /// <summary>The simulated model (<c>sim</c>).</summary>
    Sim,

    /// <summary>An OpenAI-compatible HTTP server (<c>openai:URL#MODEL</c>).</summary>
    OpenAI,

    /// <summary>An in-process GGUF model (<c>gguf:PATH</c>).</summary>
    Gguf,

    /// <summary>Recorded responses served back (<c>replay:FILE</c>).</summary>
    Replay,
}

/// <summary>A parsed <c>--model</c> spec: <c>sim</c>, <c>openai:URL#MODEL</c>, <c>gguf:PATH</c> or <c>replay:FILE</c>.</summary>
/// <param name="Kind">The backend kind.</param>
/// <param name="Text">The spec as written (trimmed).</param>
/// <param name="Endpoint">The server's base URL (for <see cref="ModelSpecKind.OpenAI"/>), e.g. <c>http://127.0.0.1:8000/v1</c>.</param>
/// <param name="Model">The model name sent to the server (for <see cref="ModelSpecKind.OpenAI"/>).</param>
/// <param name="Path">The file (for <see cref="ModelSpecKind.Gguf"/> and <see cref="ModelSpecKind.Replay"/>).</param>
public sealed partial record ModelSpec(ModelSpecKind Kind, string Text, Uri? Endpoint = null, string? Model = null, string? Path = null)
{
    /// <summary>The accepted forms, for error messages and help text.</summary>
    public const string AcceptedForms = "sim, openai:URL#MODEL (e.g. openai:http://127.0.0.1:8000/v1#Qwen2.5-7B), gguf:PATH, replay:FILE";

    /// <summary>The simulated model.</summary>
    public static ModelSpec Sim { get; } = new(ModelSpecKind.Sim, "sim");

    /// <summary>Parses a spec; throws <see cref="ArgumentException"/> naming the spec and the accepted forms.</summary>
    public static ModelSpec Parse(string spec)
    {
        if (TryParse(spec, out var parsed, out var reason))
        {
            return parsed;
        }

        throw new ArgumentException($"Invalid model spec '{Redact(spec)}': {reason}. Accepted forms: {AcceptedForms}.", nameof(spec));
    }

    /// <summary>Parses a spec without throwing.</summary>
    public static bool TryParse(string? spec, [NotNullWhen(true)] out ModelSpec? parsed) => TryParse(spec, out parsed, out _);

    /// <summary>The model's name in telemetry (<c>gen_ai.request.model</c>): the served model, or a file's name; never a URL or a directory.</summary>
    public string TelemetryName => Kind switch
    {
        ModelSpecKind.OpenAI => Model ?? "unknown",
        ModelSpecKind.Gguf or ModelSpecKind.Replay => System.IO.Path.GetFileName(Path) ?? "unknown",
        _ => "sim",
    };

    /// <summary>The provider in telemetry (<c>gen_ai.provider.name</c>): openai, gguf, replay or sim.</summary>
    public string ProviderName => Kind switch
    {
        ModelSpecKind.OpenAI => "openai",
        ModelSpecKind.Gguf => "gguf",
        ModelSpecKind.Replay => "replay",
        _ => "sim",
    };

    /// <inheritdoc/>
    public override string ToString() => Text;

    // A password written into a URL must not reach logs through the error message.
    private static string Redact(string? spec) =>
        spec is null ? string.Empty : UserInfo().Replace(spec, "//***@");

    [GeneratedRegex(@"//[^/@\s]*@", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex UserInfo();

    private static bool TryParse(string? spec, [NotNullWhen(true)] out ModelSpec? parsed, out string reason)
    {
        parsed = null;
        var text = spec?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            reason = "the spec is empty";
            return false;
        }

        if (string.Equals(text, "sim", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "sim:", StringComparison.OrdinalIgnoreCase))
        {
            parsed = Sim;
            reason = string.Empty;
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            reason = "unknown backend";
            return false;
        }

        var scheme = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..];
        switch (scheme)
        {
            case "openai":
                return TryParseOpenAI(text, rest, out parsed, out reason);
            case "gguf":
            case "replay":
                if (rest.Length == 0)
                {
                    reason = $"{scheme}: needs a file path";
                    return false;
                }

                parsed = new ModelSpec(scheme == "gguf" ? ModelSpecKind.Gguf : ModelSpecKind.Replay, text, Path: rest);
                reason = string.Empty;
                return true;
            default:
                reason = $"unknown backend '{scheme}'";
                return false;
        }
    }

    private static bool TryParseOpenAI(string text, string rest, [NotNullWhen(true)] out ModelSpec? parsed, out string reason)
    {
        parsed = null;
        var hash = rest.LastIndexOf('#');
        if (hash < 0 || hash == rest.Length - 1)
        {
            reason = "openai: needs a model name after '#'";
            return false;
        }

        var url = rest[..hash];
        var model = rest[(hash + 1)..];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            reason = $"'{url}' is not an absolute http(s) URL";
            return false;
        }

        if (!string.IsNullOrEmpty(endpoint.UserInfo))
        {
            // Credentials in a spec would end up in logs and results; keys come only from AGENTS_OPENAI_API_KEY.
            reason = "the URL must not carry credentials (set AGENTS_OPENAI_API_KEY instead)";
            return false;
        }

        parsed = new ModelSpec(ModelSpecKind.OpenAI, text, endpoint, model);
        reason = string.Empty;
        return true;
    }
}
