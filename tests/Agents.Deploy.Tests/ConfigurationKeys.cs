using System.Collections;
using System.Reflection;
using Agents.Contracts.Inference;
using Agents.Hosting;
using Agents.Inference;
using Orleans.Hosting.Kubernetes;

namespace Agents.Deploy.Tests;

/// <summary>
/// What a silo reads from its environment, found by reflection over the project's options classes (every class with a
/// <c>SectionName</c> constant in Agents.Hosting, Agents.Inference and Agents.Core), the <c>…Variable</c> constants that
/// name environment variables, the silo-metadata keys of <see cref="GpuSiloMetadata"/> and Orleans' Kubernetes hosting.
/// </summary>
internal static class ConfigurationKeys
{
    private static readonly Assembly[] Assemblies =
        [typeof(AgentsClusterOptions).Assembly, typeof(ModelOptions).Assembly, typeof(Core.Simulation.SimulationOptions).Assembly];

    /// <summary>Options classes by configuration section (<c>Agents:Cluster</c> → <see cref="AgentsClusterOptions"/>).</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = Assemblies
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.OrdinalIgnoreCase);

    /// <summary>Environment variables read directly (secrets, Orleans' Kubernetes hosting, standard OpenTelemetry ones).</summary>
    public static IReadOnlySet<string> Variables { get; } = Assemblies
        .SelectMany(a => a.GetTypes())
        .Append(typeof(KubernetesHostingOptions))
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => (f.IsLiteral || f.IsInitOnly) && f.FieldType == typeof(string) && f.Name.EndsWith("Variable", StringComparison.Ordinal))
        .Select(f => (string)(f.IsLiteral ? f.GetRawConstantValue() : f.GetValue(null))!)
        // Read as literals in AgentsTelemetryHostingExtensions / AgentsTelemetryOptions (standard OpenTelemetry names).
        .Concat(["OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_PROTOCOL"])
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Keys read with configuration["…"] outside an options class: the <c>…Key</c> constants whose value is a key.</summary>
    public static IReadOnlySet<string> RawKeys { get; } = Assemblies
        .SelectMany(a => a.GetTypes())
        .Append(typeof(Orleans.Hosting.AgentsSiloBuilderExtensions))
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Key", StringComparison.Ordinal))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Where(v => v.StartsWith("Agents:", StringComparison.Ordinal))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The silo-metadata section (Orleans' UseSiloMetadata reads it).</summary>
    public const string MetadataSection = "Orleans:Metadata";

    /// <summary>Why a variable the silo is given is not something it reads, or null when it is.</summary>
    public static string? Problem(string variable)
    {
        if (!variable.Contains("__", StringComparison.Ordinal))
        {
            return Variables.Contains(variable) || variable.StartsWith("DOTNET_", StringComparison.Ordinal)
                ? null
                : $"{variable} is neither a configuration key (Section__Key) nor an environment variable the silo reads";
        }

        return KeyProblem(variable.Replace("__", ":", StringComparison.Ordinal));
    }

    /// <summary>Why a configuration key (<c>Agents:Cluster:Redis</c>) is not bound by our options, or null when it is.</summary>
    public static string? KeyProblem(string key)
    {
        if (RawKeys.Contains(key))
        {
            return null;
        }

        if (key.StartsWith(MetadataSection + ":", StringComparison.OrdinalIgnoreCase))
        {
            var name = key[(MetadataSection.Length + 1)..];
            string[] keys = [GpuSiloMetadata.GpuKey, GpuSiloMetadata.ModelsKey, "role"];
            string[] prefixes = [GpuSiloMetadata.SpecPrefix, GpuSiloMetadata.CapacityPrefix, GpuSiloMetadata.ReplicasPrefix, GpuSiloMetadata.QueuePrefix];
            return keys.Contains(name, StringComparer.Ordinal) || prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) && name.Length > p.Length)
                ? null
                : $"{key}: silo metadata key '{name}' is none of {string.Join(", ", keys.Concat(prefixes.Select(p => p + "ID")))}";
        }

        var section = Sections.Keys.Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Length);
        if (section is null)
        {
            return $"{key}: no options class binds a section above it (sections: {string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal))})";
        }

        var type = Sections[section];
        var path = key[(section.Length + 1)..].Split(':');
        for (var i = 0; i < path.Length; i++)
        {
            if (IsList(type))
            {
                if (!int.TryParse(path[i], out _))
                {
                    return $"{key}: '{path[i]}' is not an index into a list";
                }

                type = ElementType(type);
                continue;
            }

            var property = type.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || (property.SetMethod is not { IsPublic: true } && !IsList(property.PropertyType)))
            {
                return $"{key}: {type.Name} has no settable property '{path[i]}'";
            }

            type = property.PropertyType;
        }

        return IsLeaf(type) || IsList(type) ? null : $"{key}: names the section {type.Name}, not a value";
    }

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? typeof(object);
}
