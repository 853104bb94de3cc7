using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace Agents.Core.Strategies;

/// <summary>One named option of a typed options record: how to read it from text and write it back.</summary>
/// <typeparam name="T">The options record.</typeparam>
/// <param name="Name">The key, snake_case (<c>--option NAME=value</c>, <c>StrategySpec.Options[NAME]</c>).</param>
/// <param name="Description">One line for <c>Describe()</c> and help texts.</param>
/// <param name="Get">The value as text; null = not set.</param>
/// <param name="Set">A copy of the options with the value read from text; <see cref="FormatException"/> when unreadable.</param>
/// <param name="Always">Written even when it equals the default (it identifies the run, e.g. MAgICoRe's mode).</param>
public sealed record OptionKey<T>(string Name, string Description, Func<T, string?> Get, Func<T, string, T> Set, bool Always = false);

/// <summary>The untyped face of an <see cref="OptionCodec{T}"/>: what a catalog, the CLI and the API need.</summary>
public interface IOptionCodec
{
    /// <summary>The accepted keys, sorted.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Reads <paramref name="entries"/> (unknown keys, unreadable or out-of-range values throw <see cref="ArgumentException"/>)
    /// and returns what a spec records: keys set differently from the defaults, and the keys written always.
    /// </summary>
    ImmutableDictionary<string, string> Canonicalize(IEnumerable<string> entries);

    /// <summary>
    /// The first reason recorded options are refused (an unreadable or out-of-range value, or a combination the codec
    /// refuses), or null; keys that are not this codec's are ignored, as when a spec is read.
    /// </summary>
    string? Check(IReadOnlyDictionary<string, string> recorded);

    /// <summary>One line per key: name, default and description.</summary>
    string Describe();
}

/// <summary>
/// Names, defaults, parsing, validation and description of one typed options record, in one table: the only place an
/// option key is spelled. Values are invariant-culture text; enums snake_case; flags on/off (true/false accepted).
/// </summary>
/// <typeparam name="T">The options record; validated with its data annotations and <paramref name="validate"/>.</typeparam>
/// <param name="owner">Who the options belong to, for messages ("SPC", "magicore", ...).</param>
/// <param name="defaults">The options when nothing is set.</param>
/// <param name="keys">The keys.</param>
/// <param name="validate">Checks across keys; returns an error message or null.</param>
public sealed class OptionCodec<T>(string owner, T defaults, IEnumerable<OptionKey<T>> keys, Func<T, string?>? validate = null) : IOptionCodec
    where T : class
{
    private readonly OptionKey<T>[] _keys = [.. keys.OrderBy(k => k.Name, StringComparer.Ordinal)];

    /// <summary>The options when nothing is set.</summary>
    public T Defaults { get; } = defaults;

    /// <inheritdoc />
    public IReadOnlyList<string> Names => [.. _keys.Select(k => k.Name)];

    /// <summary>
    /// Applies <c>key=value</c> entries to <paramref name="start"/> (default <see cref="Defaults"/>), later entries winning;
    /// <see cref="ArgumentException"/> for an unknown key, a missing or unreadable value, or options out of range.
    /// </summary>
    public T Parse(IEnumerable<string>? entries, T? start = null) =>
        Apply((entries ?? []).Select(e =>
        {
            var equals = e.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? (e, (string?)null) : (e[..equals], e[(equals + 1)..]);
        }), start);

    /// <summary>Applies key/value pairs; the same rules as <see cref="Parse(IEnumerable{string}?, T?)"/>.</summary>
    public T Parse(IEnumerable<KeyValuePair<string, string>> entries, T? start = null) =>
        Apply((entries ?? throw new ArgumentNullException(nameof(entries))).Select(kv => (kv.Key, (string?)kv.Value)), start);

    /// <summary>
    /// Reads the options a spec recorded, ignoring keys that are not this codec's (a spec may carry other switches) and
    /// not checking ranges or combinations again (the spec was checked when it was made; e.g. a lone mu is ignored by
    /// whoever needs both); a recorded value that cannot be read throws <see cref="ArgumentException"/>.
    /// </summary>
    public T Read(IReadOnlyDictionary<string, string> recorded, T? start = null)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return Apply(recorded.Where(kv => Find(kv.Key) is not null).Select(kv => (kv.Key, (string?)kv.Value)), start, check: false);
    }

    /// <inheritdoc />
    public string? Check(IReadOnlyDictionary<string, string> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        try
        {
            Apply(recorded.Where(kv => Find(kv.Key) is not null).Select(kv => (kv.Key, (string?)kv.Value)), null);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>What a spec records: keys whose value differs from the default, and the keys written always.</summary>
    public ImmutableDictionary<string, string> Write(T options) =>
        _keys.Select(k => (k, Value: k.Get(options)))
            .Where(x => x.Value is not null && (x.k.Always || x.Value != x.k.Get(Defaults)))
            .ToImmutableDictionary(x => x.k.Name, x => x.Value!, StringComparer.Ordinal);

    /// <summary>Every key with its effective value, sorted by key (<c>key=value</c>; unset keys are left out).</summary>
    public ImmutableArray<string> Format(T options) =>
        [.. _keys.Select(k => (k.Name, Value: k.Get(options))).Where(x => x.Value is not null).Select(x => $"{x.Name}={x.Value}")];

    /// <inheritdoc />
    public ImmutableDictionary<string, string> Canonicalize(IEnumerable<string> entries) => Write(Parse(entries));

    /// <inheritdoc />
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var key in _keys)
        {
            text.Append(CultureInfo.InvariantCulture, $"{key.Name} (default: {key.Get(Defaults) ?? "unset"}): {key.Description}").AppendLine();
        }

        return text.ToString();
    }

    private T Apply(IEnumerable<(string Name, string? Value)> entries, T? start, bool check = true)
    {
        var options = start ?? Defaults;
        foreach (var (rawName, value) in entries)
        {
            var name = Normalize(rawName);
            var key = Find(name) ?? throw new ArgumentException(_keys.Length == 0
                ? $"strategy '{owner}' takes no options (got '{name}')"
                : $"unknown {owner} option '{name}'; known: {string.Join(", ", Names)}");
            if (value is null)
            {
                throw new ArgumentException($"{owner} option '{name}' needs a value (key=value)");
            }

            try
            {
                options = key.Set(options, value.Trim());
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"{owner} option '{name}': {ex.Message}", ex);
            }
        }

        if (!check)
        {
            return options;
        }

        if (OptionText.OutOfRange(owner, options) is { } outOfRange)
        {
            throw new ArgumentException(outOfRange);
        }

        return validate?.Invoke(options) is { } error ? throw new ArgumentException(error) : options;
    }

    private static string Normalize(string name) => OptionText.Key(name);

    private OptionKey<T>? Find(string name) => _keys.FirstOrDefault(k => k.Name == Normalize(name));
}

/// <summary>How option values are written as text and read back (invariant culture; the same everywhere).</summary>
public static class OptionText
{
    /// <summary>The key of a <c>key=value</c> entry (or a bare key), normalised: trimmed, lower case, '-' read as '_'.</summary>
    public static string Key(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return (equals < 0 ? entry : entry[..equals]).Trim().ToLowerInvariant().Replace('-', '_');
    }

    /// <summary>A number, round-trippable.</summary>
    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An integer.</summary>
    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>true or false.</summary>
    public static string Text(bool value) => value ? "true" : "false";

    /// <summary>on or off.</summary>
    public static string OnOff(bool value) => value ? "on" : "off";

    /// <summary>An enum value in snake case (<c>GeneratorLoses</c> → <c>generator_loses</c>).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Reads an enum value written by <see cref="Name{TEnum}"/> ('-' and '_' alike, any case).</summary>
    public static TEnum Enum<TEnum>(string value)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(value);
        var wanted = value.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var candidate in System.Enum.GetValues<TEnum>())
        {
            if (Name(candidate) == wanted)
            {
                return candidate;
            }
        }

        throw new FormatException($"'{value}' is not one of {string.Join(", ", System.Enum.GetValues<TEnum>().Select(Name))}");
    }

    /// <summary>Reads an integer.</summary>
    public static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{value}' is not an integer");

    /// <summary>Reads a number.</summary>
    public static double Double(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new FormatException($"'{value}' is not a number");

    /// <summary>Reads true or false.</summary>
    public static bool Bool(string value) =>
        bool.TryParse(value, out var b) ? b : throw new FormatException($"'{value}' is not true or false");

    /// <summary>Reads on/off (or true/false).</summary>
    public static bool Flag(string value) => value switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => throw new FormatException($"'{value}' is not on or off"),
    };

    /// <summary>The data-annotation errors of <paramref name="options"/> as one message, or null when it is in range.</summary>
    public static string? OutOfRange(string owner, object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? null
            : $"{owner} options out of range: " + string.Join("; ", results.Select(r => r.ErrorMessage));
    }

    /// <summary>Reads one of <paramref name="allowed"/> (case-insensitive), returned lower case.</summary>
    public static string OneOf(string value, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lower = value.Trim().ToLowerInvariant();
        return allowed.Contains(lower) ? lower : throw new FormatException($"'{value}' is not one of {string.Join(", ", allowed)}");
    }
}
