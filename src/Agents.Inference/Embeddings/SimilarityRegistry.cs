using Agents.Core.Instructing;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Embeddings;

/// <summary>The similarity measures meta-memory retrieval can use, by name: <c>minilm</c> (default) and <c>lexical</c>.</summary>
public sealed class SimilarityRegistry(IEmbeddingGenerator<string, Embedding<float>> embeddings)
{
    /// <summary>Cosine similarity of MiniLM sentence embeddings (the default).</summary>
    public const string MiniLm = IortRunOptions.MiniLm;

    /// <summary>Token Jaccard similarity (no model).</summary>
    public const string Lexical = IortRunOptions.Lexical;

    /// <summary>Every name <see cref="Get"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = [MiniLm, Lexical];

    private readonly Lazy<EmbeddingSimilarity> _embedding = new(() => new EmbeddingSimilarity(embeddings));

    /// <summary>The measure named <paramref name="name"/> (null or empty = <see cref="MiniLm"/>).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public ISimilarity Get(string? name) => (string.IsNullOrWhiteSpace(name) ? MiniLm : name.Trim().ToLowerInvariant()) switch
    {
        MiniLm => _embedding.Value,
        Lexical => TokenJaccardSimilarity.Instance,
        var other => throw new ArgumentException($"unknown similarity '{other}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };
}
