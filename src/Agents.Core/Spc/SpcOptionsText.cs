using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Agents.Core.Spc;

/// <summary>
/// <see cref="SpcOptions"/> as "key=value" text: what <c>agents selfplay start --option</c> accepts and what a league stores
/// and shows. The canonical form lists every key once, sorted, with the effective value (docs/spc.md lists the keys).
/// </summary>
public static class SpcOptionsText
{
    private sealed record Key(string Name, Func<SpcOptions, string> Get, Func<SpcOptions, string, SpcOptions> Set);

    private static readonly Key[] Keys =
    [
        new("balance", o => Name(o.Balance), (o, v) => o with { Balance = Enum<BalanceMode>(v) }),
        new("completion_temperature", o => Text(o.CompletionTemperature), (o, v) => o with { CompletionTemperature = Double(v) }),
        new("critic_retries_on_invalid", o => Text(o.CriticRetriesOnInvalid), (o, v) => o with { CriticRetriesOnInvalid = Int(v) }),
        new("critic_temperature", o => Text(o.CriticTemperature), (o, v) => o with { CriticTemperature = Double(v) }),
        new("error_types", o => string.Join('|', o.ErrorTypes), (o, v) => o with { ErrorTypes = ErrorTypes(v) }),
        new("exclude_final_step", o => Text(o.ExcludeFinalStep), (o, v) => o with { ExcludeFinalStep = Bool(v) }),
        new("failed_attack", o => Name(o.FailedAttack), (o, v) => o with { FailedAttack = Enum<FailedAttackRule>(v) }),
        new("games_per_problem", o => Text(o.GamesPerProblem), (o, v) => o with { GamesPerProblem = Int(v) }),
        new("generator_temperature", o => Text(o.GeneratorTemperature), (o, v) => o with { GeneratorTemperature = Double(v) }),
        new("max_consecutive_failed_games", o => Text(o.MaxConsecutiveFailedGames), (o, v) => o with { MaxConsecutiveFailedGames = Int(v) }),
        new("max_game_attempts", o => Text(o.MaxGameAttempts), (o, v) => o with { MaxGameAttempts = Int(v) }),
        new("min_original_success_rate", o => Text(o.MinOriginalSuccessRate), (o, v) => o with { MinOriginalSuccessRate = Double(v) }),
        new("min_success_rate_drop", o => Text(o.MinSuccessRateDrop), (o, v) => o with { MinSuccessRateDrop = Double(v) }),
        new("paired_samples", o => Text(o.PairedSamples), (o, v) => o with { PairedSamples = Bool(v) }),
        new("solution_source", o => Name(o.SolutionSource), (o, v) => o with { SolutionSource = Enum<SolutionSource>(v) }),
        new("solve_attempts", o => Text(o.SolveAttempts), (o, v) => o with { SolveAttempts = Int(v) }),
        new("solver_temperature", o => Text(o.SolverTemperature), (o, v) => o with { SolverTemperature = Double(v) }),
        new("target_positive_share", o => Text(o.TargetPositiveShare), (o, v) => o with { TargetPositiveShare = Double(v) }),
        new("validation_completions", o => Text(o.ValidationCompletions), (o, v) => o with { ValidationCompletions = Int(v) }),
    ];

    /// <summary>The accepted keys, sorted.</summary>
    public static IReadOnlyList<string> KeyNames { get; } = [.. Keys.Select(k => k.Name)];

    /// <summary>
    /// Applies "key=value" entries to <paramref name="baseOptions"/> (default <see cref="SpcOptions.Default"/>), later entries
    /// winning; throws <see cref="ArgumentException"/> for an unknown key, an unreadable value or a value out of range.
    /// Enum values are written in snake case (<c>solution_source=reference</c>); booleans as true/false; error types joined by '|'.
    /// </summary>
    public static SpcOptions Parse(IEnumerable<string>? entries, SpcOptions? baseOptions = null)
    {
        var options = baseOptions ?? SpcOptions.Default;
        foreach (var entry in entries ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? entry : entry[..equals]).Trim().ToLowerInvariant().Replace('-', '_');
            var key = Keys.FirstOrDefault(k => k.Name == name)
                ?? throw new ArgumentException($"unknown SPC option '{name}'; known: {string.Join(", ", KeyNames)}", nameof(entries));
            if (equals < 0)
            {
                throw new ArgumentException($"SPC option '{name}' needs a value (key=value)", nameof(entries));
            }

            try
            {
                options = key.Set(options, entry[(equals + 1)..].Trim());
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"SPC option '{name}': {ex.Message}", nameof(entries), ex);
            }
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ArgumentException("SPC options out of range: " + string.Join("; ", results.Select(r => r.ErrorMessage)), nameof(entries));
        }

        return options;
    }

    /// <summary>Every key with its value in <paramref name="options"/>, sorted by key: the canonical text a league stores.</summary>
    public static ImmutableArray<string> Format(SpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. Keys.Select(k => $"{k.Name}={k.Get(options)}")];
    }

    /// <summary>The canonical text of the options <paramref name="entries"/> give (defaults for keys not named).</summary>
    public static ImmutableArray<string> Canonical(IEnumerable<string>? entries) => Format(Parse(entries));

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(bool value) => value ? "true" : "false";

    private static string Name<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static T Enum<T>(string value)
        where T : struct, Enum
    {
        var wanted = value.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var candidate in System.Enum.GetValues<T>())
        {
            if (Name(candidate) == wanted)
            {
                return candidate;
            }
        }

        throw new FormatException($"'{value}' is not one of {string.Join(", ", System.Enum.GetValues<T>().Select(Name))}");
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{value}' is not an integer");

    private static double Double(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new FormatException($"'{value}' is not a number");

    private static bool Bool(string value) =>
        bool.TryParse(value, out var b) ? b : throw new FormatException($"'{value}' is not true or false");

    private static string[] ErrorTypes(string value)
    {
        var types = value.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return types.Length > 0 ? types : throw new FormatException("at least one error type is needed (joined by '|')");
    }
}
