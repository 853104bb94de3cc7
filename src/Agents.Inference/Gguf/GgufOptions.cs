using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Gguf;

/// <summary>How <c>gguf:PATH</c> models run in-process (section <c>Agents:Gguf</c>).</summary>
public sealed class GgufOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Gguf";

    /// <summary>Context length per request (prompt plus all choices' output share it, one sequence per choice).</summary>
    [Range(64, 1 << 20)]
    public int ContextSize { get; set; } = 2048;

    /// <summary>CPU threads per request; 0 lets LLamaSharp choose (fastest for tiny models on 2 cores).</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Requests generated at once per model; more wait. 0 = one per processor.</summary>
    [Range(0, 1024)]
    public int MaxConcurrency { get; set; }

    /// <summary>Output limit when a request sets none.</summary>
    [Range(1, 1 << 20)]
    public int DefaultMaxTokens { get; set; } = 256;
}
