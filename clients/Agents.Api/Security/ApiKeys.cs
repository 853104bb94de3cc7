using System.Security.Cryptography;
using System.Text;

namespace Agents.Api.Security;

/// <summary>
/// The API keys from <c>AGENTS_API_KEYS</c> (comma-separated). A presented key is compared with every configured key in
/// constant time; a match is known by its position (<c>key-1</c>, …), which is what logs and rate-limit partitions
/// see — never the key itself.
/// </summary>
public sealed class ApiKeys
{
    private readonly ImmutableArray<byte[]> _keys;

    /// <summary>Parses the variable's value; empty or null = no keys (loopback only).</summary>
    public ApiKeys(string? keys)
    {
        _keys = [.. (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => Encoding.UTF8.GetBytes(k))];
    }

    /// <summary>Whether any key is configured.</summary>
    public bool Required => _keys.Length > 0;

    /// <summary>The name of the key presented (<c>key-N</c>), or null when it matches none.</summary>
    public string? Match(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        // Every key is compared (no early exit), each in constant time, so timing tells nothing about which came close.
        var bytes = Encoding.UTF8.GetBytes(presented);
        var found = -1;
        for (var i = 0; i < _keys.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, _keys[i]))
            {
                found = i;
            }
        }

        return found < 0 ? null : $"key-{found + 1}";
    }

    /// <summary>A key's fingerprint (SHA-256, hex): what a dashboard sign-in keeps to find out later that its key is still configured.</summary>
    public static string Fingerprint(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key ?? "")));

    /// <summary>Whether <paramref name="fingerprint"/> is that of a key configured now (compared in constant time, every key).</summary>
    public bool IsCurrent(string? fingerprint)
    {
        if (string.IsNullOrEmpty(fingerprint))
        {
            return false;
        }

        var presented = Encoding.ASCII.GetBytes(fingerprint);
        var found = false;
        foreach (var key in _keys)
        {
            found |= CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(key))));
        }

        return found;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{_keys.Length} API key(s)";
}
