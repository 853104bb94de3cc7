using Agents.Core.Answers;

namespace Agents.Core.Voting;

/// <summary>How chains are grouped in a vote: by the raw extracted string (MAgICoRe) or its Hendrycks normalisation.</summary>
public enum VoteKey
{
    /// <summary>The extracted answer string as-is, so <c>0.5</c> and <c>\frac{1}{2}</c> are different keys.</summary>
    Raw,

    /// <summary>The Hendrycks normalisation of the answer (<see cref="AnswerEquivalence.Normalize"/>).</summary>
    Normalized,
}

/// <summary>Parses, names and applies <see cref="VoteKey"/> values.</summary>
public static class VoteKeys
{
    /// <summary>Parses "raw" or "normalized" (case-insensitive); throws <see cref="ArgumentException"/> otherwise.</summary>
    public static VoteKey Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "raw" => VoteKey.Raw,
            "normalized" => VoteKey.Normalized,
            _ => throw new ArgumentException($"Unknown vote key '{name}'; valid values: raw, normalized.", nameof(name)),
        };
    }

    /// <summary>The configuration name of a vote key ("raw" or "normalized").</summary>
    public static string Name(VoteKey key) => key switch
    {
        VoteKey.Raw => "raw",
        VoteKey.Normalized => "normalized",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown vote key."),
    };

    /// <summary>The grouping key of an answer; null and empty answers share the empty key.</summary>
    public static string KeyOf(string? answer, VoteKey key)
    {
        if (string.IsNullOrEmpty(answer))
        {
            return "";
        }

        return key == VoteKey.Normalized ? AnswerEquivalence.Normalize(answer) : answer;
    }
}
