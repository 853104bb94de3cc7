using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Agents.Core.Instructing;

/// <summary>Scores how similar stored questions are to a query; the seam where an embedding model can replace the lexical default.</summary>
public interface ISimilarity
{
    /// <summary>One score per candidate (higher is more similar), in the candidates' order.</summary>
    IReadOnlyList<double> Score(string query, IReadOnlyList<string> candidates);
}

/// <summary>
/// Token Jaccard similarity: |A ∩ B| / |A ∪ B| over the sets of lowercased word tokens (runs of letters and digits);
/// two token-less texts score 0. Corpus-independent, so scores do not change as the memory grows.
/// </summary>
public sealed partial class TokenJaccardSimilarity : ISimilarity
{
    /// <summary>The shared instance (stateless).</summary>
    public static TokenJaccardSimilarity Instance { get; } = new();

    /// <inheritdoc />
    public IReadOnlyList<double> Score(string query, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var q = Tokens(query);
        return [.. candidates.Select(c => Jaccard(q, Tokens(c)))];
    }

    /// <summary>The set of lowercased word tokens of a text.</summary>
    public static HashSet<string> Tokens(string? text) =>
        text is null ? [] : [.. Word().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var common = a.Count(b.Contains);
        return (double)common / (a.Count + b.Count - common);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex Word();
}

/// <summary>How a run uses the meta-memory (docs/algorithms.md §2.5, §6); recorded by name with the run.</summary>
public enum MetaMemoryPolicy
{
    /// <summary>Every problem of a run reads the seed memory only; new meta-thoughts are not added (order-independent, parallel-safe).</summary>
    Snapshot,

    /// <summary>Every new (question, meta-thought) is appended, so a problem sees the meta-thoughts of the problems before it in dataset order.</summary>
    SharedGrowing,
}

/// <summary>Names of <see cref="MetaMemoryPolicy"/> values as they appear in configuration and run records.</summary>
public static class MetaMemoryPolicies
{
    /// <summary>"snapshot" or "shared-growing".</summary>
    public static string Name(MetaMemoryPolicy policy) => policy switch
    {
        MetaMemoryPolicy.Snapshot => "snapshot",
        MetaMemoryPolicy.SharedGrowing => "shared-growing",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown meta-memory policy."),
    };

    /// <summary>Parses "snapshot" or "shared-growing" (case-insensitive); throws <see cref="ArgumentException"/> otherwise.</summary>
    public static MetaMemoryPolicy Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "snapshot" => MetaMemoryPolicy.Snapshot,
            "shared-growing" => MetaMemoryPolicy.SharedGrowing,
            _ => throw new ArgumentException($"Unknown meta-memory policy '{name}'; valid values: snapshot, shared-growing.", nameof(name)),
        };
    }
}

/// <summary>
/// IoRT's meta-memory of (question, meta-thought) pairs (docs/algorithms.md §2.1): top-k retrieval by an <see cref="ISimilarity"/>
/// (token Jaccard by default) with ties broken by insertion order, and a policy deciding whether new pairs are kept.
/// Not thread-safe: a shared-growing memory is used in dataset order by one caller.
/// </summary>
public sealed class MetaMemory : IMetaMemoryAccess
{
    private readonly List<MetaExample> _examples;

    /// <summary>Creates a memory holding the seed pairs in order.</summary>
    public MetaMemory(MetaMemoryPolicy policy, IEnumerable<MetaExample>? seed = null, ISimilarity? similarity = null)
    {
        Policy = policy;
        Similarity = similarity ?? TokenJaccardSimilarity.Instance;
        _examples = [.. seed ?? []];
    }

    /// <summary>Whether <see cref="Record"/> keeps new pairs.</summary>
    public MetaMemoryPolicy Policy { get; }

    /// <summary>The similarity used by <see cref="Retrieve"/>.</summary>
    public ISimilarity Similarity { get; }

    /// <summary>The stored pairs in insertion order.</summary>
    public IReadOnlyList<MetaExample> Examples => _examples;

    /// <summary>The <paramref name="k"/> most similar stored pairs, most similar first; equal scores keep insertion order.</summary>
    public IReadOnlyList<MetaExample> Retrieve(string question, int k)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (k <= 0 || _examples.Count == 0)
        {
            return [];
        }

        var scores = Similarity.Score(question, [.. _examples.Select(e => e.Question)]);
        return [.. Enumerable.Range(0, _examples.Count)
            .OrderByDescending(i => scores[i])
            .ThenBy(i => i)
            .Take(k)
            .Select(i => _examples[i])];
    }

    /// <summary>Appends a pair whatever the policy (seeding, or a caller that manages the policy itself).</summary>
    public void Append(MetaExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        _examples.Add(example);
    }

    /// <summary>Appends a run's new pair under <see cref="MetaMemoryPolicy.SharedGrowing"/>; a snapshot ignores it. True when kept.</summary>
    public bool Record(MetaExample example)
    {
        if (Policy != MetaMemoryPolicy.SharedGrowing)
        {
            return false;
        }

        Append(example);
        return true;
    }

    /// <inheritdoc />
    Task<IReadOnlyList<MetaExample>> IMetaMemoryAccess.RetrieveAsync(string question, int k, CancellationToken cancellationToken) =>
        Task.FromResult(Retrieve(question, k));

    /// <inheritdoc />
    Task<bool> IMetaMemoryAccess.RecordAsync(MetaExample example, CancellationToken cancellationToken) => Task.FromResult(Record(example));

    /// <summary>A new memory with the same pairs, policy and similarity (e.g. to reset a shared-growing memory to its seed per run).</summary>
    public MetaMemory Copy() => new(Policy, _examples, Similarity);
}

/// <summary>The pairs read from a JSONL seed file of <c>{"question": …, "meta_thought": …}</c> objects, and the rejected lines.</summary>
/// <param name="Examples">The valid pairs in file order.</param>
/// <param name="Errors">"line n: reason" for every rejected non-blank line.</param>
public sealed record MetaMemorySeed(ImmutableArray<MetaExample> Examples, ImmutableArray<string> Errors)
{
    /// <summary>The longest seed line read (characters); a longer one is rejected without being held in memory.</summary>
    public const int MaxLineLength = 16_384;

    /// <summary>The longest <c>question</c> kept (characters).</summary>
    public const int MaxQuestionLength = 8_000;

    /// <summary>The longest <c>meta_thought</c> kept (characters).</summary>
    public const int MaxMetaThoughtLength = 2_000;

    /// <summary>The most pairs read from one file; later lines are reported once and skipped.</summary>
    public const int MaxExamples = 100_000;

    /// <summary>The name under which <see cref="BuiltIn"/> is recorded (<c>meta_memory_seed</c>).</summary>
    public const string BuiltInName = "builtin";

    /// <summary>
    /// The seed shipped with the project (our own twelve pairs of everyday word problems and their plans), so a first run's
    /// Meta-Thinker has examples; a run that names a seed file uses that instead.
    /// </summary>
    public static MetaMemorySeed BuiltIn { get; } = ReadBuiltIn();

    /// <summary>The built-in seed's bytes (for its recorded hash).</summary>
    public static byte[] BuiltInBytes()
    {
        using var stream = typeof(MetaMemorySeed).Assembly.GetManifestResourceStream("Agents.Iort.meta-memory.jsonl")
            ?? throw new InvalidOperationException("The built-in meta-memory seed is missing from Agents.Core.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static MetaMemorySeed ReadBuiltIn()
    {
        using var reader = new StreamReader(new MemoryStream(BuiltInBytes()));
        return ReadJsonl(reader);
    }

    /// <summary>
    /// Reads a JSONL seed (never throws on content; the file is untrusted): blank lines are skipped; a line longer than
    /// <see cref="MaxLineLength"/>, not a JSON object, or without non-blank <c>question</c> and <c>meta_thought</c> strings
    /// within their caps is rejected with "line n: field \"name\": reason" (the caller prefixes the file name).
    /// </summary>
    public static MetaMemorySeed ReadJsonl(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var examples = ImmutableArray.CreateBuilder<MetaExample>();
        var errors = ImmutableArray.CreateBuilder<string>();
        foreach (var bounded in Problems.BoundedLines.Read(reader, MaxLineLength))
        {
            var number = bounded.Number;
            if (bounded.Text is not { } line)
            {
                errors.Add(Problems.BoundedLines.TooLongMessage(bounded, MaxLineLength));
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (examples.Count >= MaxExamples)
            {
                errors.Add($"line {number}: more than {MaxExamples} pairs; the rest of the file is skipped");
                break;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"line {number}: not a JSON object");
                    continue;
                }

                var question = Field(document.RootElement, "question", MaxQuestionLength, out var questionError);
                var thought = Field(document.RootElement, "meta_thought", MaxMetaThoughtLength, out var thoughtError);
                if ((questionError ?? thoughtError) is { } error)
                {
                    errors.Add($"line {number}: {error}");
                    continue;
                }

                examples.Add(new MetaExample(question!, thought!));
            }
            catch (JsonException e)
            {
                errors.Add($"line {number}: not a JSON object ({e.Message})");
            }
        }

        return new MetaMemorySeed(examples.ToImmutable(), errors.ToImmutable());
    }

    private static string? Field(JsonElement row, string name, int cap, out string? error)
    {
        error = null;
        if (!row.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            error = $"field \"{name}\": missing or not a string";
            return null;
        }

        var text = value.GetString()!.Trim();
        if (text.Length == 0)
        {
            error = $"field \"{name}\": blank";
        }
        else if (text.Length > cap)
        {
            error = $"field \"{name}\": {text.Length} characters, more than {cap}";
        }

        return error is null ? text : null;
    }

    /// <summary>Writes pairs as JSONL in the format <see cref="ReadJsonl"/> reads.</summary>
    public static void WriteJsonl(TextWriter writer, IEnumerable<MetaExample> examples)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(examples);
        foreach (var example in examples)
        {
            writer.WriteLine(JsonSerializer.Serialize(new Row(example.Question, example.MetaThought)));
        }
    }

    private sealed record Row(
        [property: JsonPropertyName("question")] string? Question,
        [property: JsonPropertyName("meta_thought")] string? MetaThought);
}
