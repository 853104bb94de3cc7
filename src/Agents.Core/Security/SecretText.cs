using System.Text.RegularExpressions;

namespace Agents.Core.Security;

/// <summary>
/// Recognises text that carries a credential (a password or key in a connection string, a URL's user info, a bearer
/// token), so that such text is refused and never echoed into an error message, a log or a result.
/// </summary>
public static partial class SecretText
{
    /// <summary>What an error message shows instead of a value that carries a credential.</summary>
    public const string Withheld = "(value withheld: it looks like it carries a credential)";

    /// <summary>Whether the text looks like it carries a credential.</summary>
    public static bool LooksSecret(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // Non-backtracking patterns: linear in the text, whatever a client sends.
        return KeyValueSecret().IsMatch(text) || UrlUserInfo().IsMatch(text) || TokenLike().IsMatch(text);
    }

    /// <summary>The text quoted for an error message, or <see cref="Withheld"/> when it looks like it carries a credential.</summary>
    public static string Quote(string? text, int maxLength = 200)
    {
        if (text is null)
        {
            return "''";
        }

        if (LooksSecret(text))
        {
            return Withheld;
        }

        return text.Length <= maxLength ? $"'{text}'" : $"'{text[..maxLength]}…' ({text.Length} characters)";
    }

    // password=…, pwd=…, apikey=…, api_key=…, token=…, secret=… (connection strings, query strings).
    [GeneratedRegex(@"(?i)(?:^|[\s,;?&])(?:password|passwd|pwd|api[_-]?key|access[_-]?key|secret|token|auth)\s*=\s*[^\s,;&]", RegexOptions.NonBacktracking)]
    private static partial Regex KeyValueSecret();

    // scheme://user:key@host or scheme://token@host, and a redis-style ":password@host" after the scheme.
    [GeneratedRegex(@"[a-zA-Z][a-zA-Z0-9+.\-]*://[^/@\s]+@", RegexOptions.NonBacktracking)]
    private static partial Regex UrlUserInfo();

    // The shapes of common API keys: sk-…, ghp_…, Bearer ….
    [GeneratedRegex(@"(?:\bsk-[A-Za-z0-9_\-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|(?i:\bbearer\s+)[A-Za-z0-9._\-]{12,})", RegexOptions.NonBacktracking)]
    private static partial Regex TokenLike();
}
