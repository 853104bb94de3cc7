using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Agents.Core.Instructing;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Embeddings;

/// <summary>
/// Cosine similarity of sentence embeddings, for meta-memory retrieval. Each distinct text is embedded once and kept in
/// a bounded cache (stored questions are scored against every query, so they are embedded once per silo, not per query).
/// </summary>
public sealed class EmbeddingSimilarity(IEmbeddingGenerator<string, Embedding<float>> generator, int cacheCapacity = 50_000) : ISimilarity
{
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Texts embedded so far (cache misses).</summary>
    public long Embedded => Interlocked.Read(ref _embedded);

    private long _embedded;

    /// <inheritdoc />
    public IReadOnlyList<double> Score(string query, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return [];
        }

        var missing = candidates.Prepend(query).Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            // ISimilarity is synchronous; the in-process generator completes synchronously.
            var embeddings = generator.GenerateAsync(missing).GetAwaiter().GetResult();
            if (_cache.Count + missing.Length > cacheCapacity)
            {
                _cache.Clear();
            }

            for (var i = 0; i < missing.Length; i++)
            {
                _cache[missing[i]] = embeddings[i].Vector.ToArray();
            }

            Interlocked.Add(ref _embedded, missing.Length);
        }

        var q = Vector(query);
        return [.. candidates.Select(c => (double)TensorPrimitives.CosineSimilarity(q, Vector(c)))];
    }

    private float[] Vector(string text) =>
        _cache.TryGetValue(text, out var vector) ? vector : generator.GenerateVectorAsync(text).GetAwaiter().GetResult().ToArray();
}
