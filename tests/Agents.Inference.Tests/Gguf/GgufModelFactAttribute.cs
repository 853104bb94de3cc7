using Agents.Testing;

namespace Agents.Inference.Tests.Gguf;

/// <summary>A fact skipped, with the reason, when <c>../shared/models/stories260K.gguf</c> is absent on this machine.</summary>
public sealed class GgufModelFactAttribute : FactAttribute
{
    /// <summary>The model file name under <c>../shared/models</c>.</summary>
    public const string FileName = "stories260K.gguf";

    /// <summary>Creates the attribute.</summary>
    public GgufModelFactAttribute()
    {
        if (ModelPath is null)
        {
            Skip = $"../shared/models/{FileName} is not present on this machine (shared folder: {SharedData.SharedRoot ?? "absent"})";
        }
    }

    /// <summary>The model file, or null when absent.</summary>
    public static string? ModelPath =>
        SharedData.SharedRoot is { } root && Path.Combine(root, "models", FileName) is var path && File.Exists(path) ? path : null;
}
