using System.Collections.Frozen;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;

namespace Agents.Core.Prompts;

/// <summary>
/// The role prompts as editable template files rendered with Semantic Kernel's prompt templates (<c>{{$name}}</c>
/// variables). The defaults ship inside this assembly (<c>src/Agents.Core/Prompts/Templates/NAME.txt</c>); a directory
/// given to <see cref="FromDirectory"/> overrides any of them by file name (<c>agents prompts export DIR</c> writes the
/// defaults to start from). One final newline of a file is ignored. Values are inserted verbatim: they are never parsed
/// as template syntax and never HTML-encoded.
/// </summary>
/// <remarks>
/// An instance is immutable. The prompt builders (<c>SolverPrompt</c>, <c>ReviewerPrompt</c>, …) take the instance to
/// render with as a parameter; a silo loads one at start-up from <c>Agents:Prompts:Directory</c> and registers it as a
/// service, so every silo (several can share a process) renders with its own set. Parsers and the simulated model
/// recognise a prompt's role by the headings and instructions in <see cref="PromptMarkers"/>, which the default templates
/// contain; an edited template talks to real models unchanged but may no longer be understood by the simulated model.
/// </remarks>
public sealed partial class PromptTemplates
{
    private const string ResourcePrefix = "Agents.Prompts.";
    private const string Extension = ".txt";

    private static readonly KernelPromptTemplateFactory Factory = new() { AllowDangerouslySetContent = true };
    private static readonly Kernel Kernel = new();

    private readonly FrozenDictionary<string, Entry> _entries;

    private PromptTemplates(FrozenDictionary<string, Entry> entries)
    {
        _entries = entries;
        Hash = Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(
            string.Join("\u001e", entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}\u001f{e.Value.Text}")))));
    }

    /// <summary>The templates shipped with this assembly (an immutable value, like any instance).</summary>
    public static PromptTemplates Defaults { get; } = LoadDefaults();

    /// <summary>Every template name, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _entries.Keys.Order(StringComparer.Ordinal)];

    /// <summary>A hash of every template's text: the prompt set a run used, for provenance.</summary>
    public string Hash { get; }

    /// <summary>The defaults, with every <c>NAME.txt</c> in <paramref name="directory"/> replacing the template of that name.</summary>
    /// <exception cref="PromptTemplateException">
    /// A file names no known template, or uses a variable the template does not have, or is not a valid template; the
    /// message names the file (and line).
    /// </exception>
    public static PromptTemplates FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new PromptTemplateException($"{directory}: prompt directory not found");
        }

        var entries = Defaults._entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!entries.TryGetValue(name, out var original))
            {
                throw new PromptTemplateException(
                    $"{file}: no prompt template is named '{name}'; known: {string.Join(", ", entries.Keys.Order(StringComparer.Ordinal))}");
            }

            var text = Normalize(File.ReadAllText(file));
            var allowed = Variables(original.Text).ToHashSet(StringComparer.Ordinal);
            foreach (var (variable, line) in VariablesWithLines(text))
            {
                if (!allowed.Contains(variable))
                {
                    throw new PromptTemplateException(
                        $"{file}:{line}: unknown variable '${variable}'; this template has: {(allowed.Count == 0 ? "(none)" : string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(v => "$" + v)))}");
                }
            }

            entries[name] = Compile(name, text, file);
        }

        return new PromptTemplates(entries.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Writes every default template to <paramref name="directory"/> as <c>NAME.txt</c> (to edit and pass back).</summary>
    public static IReadOnlyList<string> ExportDefaults(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var name in Defaults.Names)
        {
            var path = Path.Combine(directory, name + Extension);
            File.WriteAllText(path, Defaults.Text(name) + "\n");
            written.Add(path);
        }

        return written;
    }

    /// <summary>The template text of <paramref name="name"/>.</summary>
    public string Text(string name) => Get(name).Text;

    /// <summary>The variables <paramref name="name"/> uses, in order of first use.</summary>
    public IReadOnlyList<string> VariablesOf(string name) => [.. Variables(Get(name).Text)];

    /// <summary>Renders <paramref name="name"/>; a variable with no value renders empty.</summary>
    public string Render(string name, params ReadOnlySpan<(string Name, string Value)> values)
    {
        var arguments = new KernelArguments();
        foreach (var (key, value) in values)
        {
            arguments[key] = value;
        }

        // Variable and text blocks only: Semantic Kernel renders them without awaiting anything.
        return Get(name).Template.RenderAsync(Kernel, arguments).GetAwaiter().GetResult();
    }

    private Entry Get(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry : throw new ArgumentException($"no prompt template is named '{name}'", nameof(name));

    private static PromptTemplates LoadDefaults()
    {
        var assembly = typeof(PromptTemplates).Assembly;
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..^Extension.Length];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            entries[name] = Compile(name, Normalize(reader.ReadToEnd()), resource);
        }

        return new PromptTemplates(entries.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static Entry Compile(string name, string text, string source)
    {
        try
        {
            var config = new PromptTemplateConfig(text) { Name = name, TemplateFormat = PromptTemplateConfig.SemanticKernelTemplateFormat };
            return new Entry(text, Factory.Create(config));
        }
        catch (Exception ex) when (ex is KernelException or ArgumentException)
        {
            throw new PromptTemplateException($"{source}: not a valid prompt template: {ex.Message}", ex);
        }
    }

    // Line endings as \n; one final newline (what editors add) is not part of the template.
    private static string Normalize(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static IEnumerable<string> Variables(string text) =>
        VariablePattern().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal);

    private static IEnumerable<(string Name, int Line)> VariablesWithLines(string text) =>
        VariablePattern().Matches(text).Select(m => (m.Groups["name"].Value, 1 + text.AsSpan(0, m.Index).Count('\n')));

    [GeneratedRegex(@"\{\{\s*\$(?<name>[A-Za-z0-9_]+)\s*\}\}", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex VariablePattern();

    private sealed record Entry(string Text, IPromptTemplate Template);
}

/// <summary>A prompt template file that cannot be used; the message names the file (and line).</summary>
public sealed class PromptTemplateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PromptTemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PromptTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PromptTemplateException()
    {
    }
}
