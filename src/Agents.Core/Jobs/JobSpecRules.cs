using System.Globalization;
using Agents.Contracts.Jobs;
using Agents.Contracts.Runs;
using Agents.Core.Answers;
using Agents.Core.Security;
using Agents.Core.Strategies;
using Agents.Core.Voting;

namespace Agents.Core.Jobs;

/// <summary>
/// What a job grain accepts from a client: every field of a <see cref="JobSpec"/> in range, sizes capped. The grain that
/// receives a spec is the authority (a client's own checks are a courtesy); each error names the field and its limit.
/// </summary>
public static class JobSpecRules
{
    /// <summary>Runs in flight per job.</summary>
    public const int MaxConcurrency = 10_000;

    /// <summary>Attempts per problem.</summary>
    public const int MaxAttempts = 100;

    /// <summary>Samples per problem (MAgICoRe's k = 40 and sc@64 fit with room).</summary>
    public const int MaxK = 1024;

    /// <summary>Refinement rounds.</summary>
    public const int MaxRounds = 100;

    /// <summary>Completion tokens per sample.</summary>
    public const int MaxTokens = 1_000_000;

    /// <summary>Sampling temperature.</summary>
    public const double MaxTemperature = 5.0;

    /// <summary>Characters of an id (job, league).</summary>
    public const int MaxIdLength = 256;

    /// <summary>Characters of a model or reward spec.</summary>
    public const int MaxSpecLength = 2048;

    /// <summary>Method options per spec.</summary>
    public const int MaxOptions = 64;

    /// <summary>Characters of an option key.</summary>
    public const int MaxOptionKeyLength = 64;

    /// <summary>Characters of an option value.</summary>
    public const int MaxOptionValueLength = 4096;

    /// <summary>The first reason the spec is refused, or null when it is acceptable.</summary>
    public static string? Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Id("job id", spec.JobId)
            ?? Range("concurrency", spec.Concurrency, 1, MaxConcurrency)
            ?? Range("max attempts", spec.MaxAttempts, 1, MaxAttempts)
            ?? (spec.Strategy is null ? "strategy: missing" : Validate(spec.Strategy));
    }

    /// <summary>The first reason a strategy spec is refused, or null when it is acceptable.</summary>
    public static string? Validate(StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return StrategyNames.Validate(spec.Name)
            ?? Range("k", spec.K, 1, MaxK)
            ?? Range("rounds", spec.Rounds, 0, MaxRounds)
            ?? Range("max tokens", spec.MaxTokens, 1, MaxTokens)
            ?? Real("temperature", spec.Temperature, 0, MaxTemperature)
            ?? (spec.TopP is > 0 and <= 1 ? null : $"top_p: must be in (0, 1], got {Format(spec.TopP)}")
            ?? Parses("vote key", spec.VoteKey, v => VoteKeys.Parse(v))
            ?? Parses("equivalence", spec.Equivalence, v => EquivalenceModes.Parse(v))
            ?? Spec("model", spec.Model)
            ?? Spec("reward", spec.Reward)
            ?? Options(spec.Options)
            // Ranges and combinations as the CLI and the API check them (e.g. MAgICoRe's draw=split only in code mode).
            ?? StrategyCatalog.Get(spec.Name).Options.Check(spec.Options ?? ImmutableDictionary<string, string>.Empty);
    }

    /// <summary>Throws <see cref="ArgumentException"/> with the first reason the spec is refused.</summary>
    public static void Check(JobSpec spec)
    {
        if (Validate(spec) is { } error)
        {
            throw new ArgumentException($"job spec refused: {error}");
        }
    }

    /// <summary>An id: non-empty, at most <see cref="MaxIdLength"/> characters, no control characters.</summary>
    public static string? Id(string field, string? id) =>
        string.IsNullOrWhiteSpace(id) ? $"{field}: must not be empty"
        : id.Length > MaxIdLength ? $"{field}: at most {MaxIdLength} characters, got {id.Length}"
        : id.Any(char.IsControl) ? $"{field}: must not contain control characters"
        : null;

    /// <summary>A model or reward spec: at most <see cref="MaxSpecLength"/> characters and no credential in it (never echoed).</summary>
    public static string? Spec(string field, string? spec) =>
        spec is null ? null
        : spec.Length > MaxSpecLength ? $"{field}: at most {MaxSpecLength} characters, got {spec.Length}"
        : SecretText.LooksSecret(spec) ? $"{field}: {SecretText.Withheld}; keys come only from the silos' environment"
        : null;

    /// <summary>An integer in [min, max].</summary>
    public static string? Range(string field, long value, long min, long max) =>
        value < min || value > max
            ? $"{field}: must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}"
            : null;

    private static string? Real(string field, double value, double min, double max) =>
        double.IsFinite(value) && value >= min && value <= max ? null : $"{field}: must be between {Format(min)} and {Format(max)}, got {Format(value)}";

    private static string? Parses(string field, string? value, Action<string> parse)
    {
        try
        {
            parse(value ?? string.Empty);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"{field}: {ex.Message}";
        }
    }

    private static string? Options(ImmutableDictionary<string, string>? options)
    {
        if (options is null)
        {
            return null;
        }

        if (options.Count > MaxOptions)
        {
            return $"options: at most {MaxOptions}, got {options.Count}";
        }

        foreach (var (key, value) in options)
        {
            if (key.Length is 0 or > MaxOptionKeyLength)
            {
                return $"options: a key must have 1 to {MaxOptionKeyLength} characters, got {key.Length}";
            }

            if ((value ?? string.Empty).Length > MaxOptionValueLength)
            {
                return $"option {key}: at most {MaxOptionValueLength} characters, got {value!.Length}";
            }

            if (SecretText.LooksSecret(value))
            {
                return $"option {key}: {SecretText.Withheld}";
            }
        }

        return null;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
