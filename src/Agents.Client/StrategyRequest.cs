using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Agents.Core.Answers;
using Agents.Core.Iort;
using Agents.Core.Strategies;
using Agents.Core.Voting;
using Agents.Inference.Embeddings;

namespace Agents.Client;

/// <summary>
/// What a caller asked of a strategy (the CLI's flags, the API's query): validated and turned into the
/// <see cref="StrategySpec"/> a job records, with the methods' defaults for anything not given.
/// </summary>
public sealed record StrategyRequest
{
    /// <summary>The strategy name (<c>cot</c>, <c>sc</c>, ...).</summary>
    public required string Strategy { get; init; }

    /// <summary>Model spec; null = the silo's default.</summary>
    public string? Model { get; init; }

    /// <summary>Reward model spec; null = the silo's default.</summary>
    public string? Reward { get; init; }

    /// <summary>Samples per problem; null = the strategy's default.</summary>
    public int? K { get; init; }

    /// <summary>Refinement rounds; null = the strategy's default.</summary>
    public int? Rounds { get; init; }

    /// <summary>Sampling temperature; null = the strategy's default.</summary>
    public double? Temperature { get; init; }

    /// <summary>Run seed.</summary>
    public long Seed { get; init; }

    /// <summary><c>raw</c> or <c>normalized</c> answer keys in votes.</summary>
    public string VoteKey { get; init; } = "raw";

    /// <summary>Count answerless chains as a vote key.</summary>
    public bool KeepEmpty { get; init; }

    /// <summary><c>numeric</c>, <c>hendrycks</c> or <c>prm800k</c> grading.</summary>
    public string Equivalence { get; init; } = "numeric";

    /// <summary>MAgICoRe <c>paper</c> or <c>code</c> switches.</summary>
    public string Mode { get; init; } = "paper";

    /// <summary>MAgICoRe normalisation mean for a run without a dataset barrier (with <see cref="Sigma"/>).</summary>
    public double? Mu { get; init; }

    /// <summary>MAgICoRe normalisation standard deviation (with <see cref="Mu"/>).</summary>
    public double? Sigma { get; init; }

    /// <summary>IoRT: model spec of the Meta-Thinker and Instructor.</summary>
    public string? InstructorModel { get; init; }

    /// <summary>IoRT: <c>snapshot</c> or <c>shared-growing</c>.</summary>
    public string? MetaMemoryPolicy { get; init; }

    /// <summary>IoRT: <c>minilm</c> or <c>lexical</c> meta-thought retrieval.</summary>
    public string? MetaSimilarity { get; init; }

    /// <summary>IoRT: the seed file of the meta-memory, recorded as <c>name#hash</c> (see <see cref="SeedLabel"/>).</summary>
    public string? MetaMemorySeed { get; init; }

    /// <summary>How a meta-memory seed file is recorded in a spec: its name and the hash of its bytes.</summary>
    public static string SeedLabel(string file, byte[] content) =>
        $"{System.IO.Path.GetFileName(file)}#{XxHash64.HashToUInt64(content).ToString("x16", CultureInfo.InvariantCulture)}";

    /// <summary>Same input, strategy and settings give the same job id, so a rerun asks the same questions (same seeds).</summary>
    public static string DeriveJobId(string inputKey, StrategySpec spec) =>
        "job-" + XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{inputKey}|{spec}")).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The spec; <see cref="ArgumentException"/> names the first setting that is not valid.</summary>
    public StrategySpec ToSpec()
    {
        if (StrategyNames.Validate(Strategy) is { } unknown)
        {
            throw new ArgumentException(unknown);
        }

        if (K is < 1)
        {
            throw new ArgumentException($"--k must be at least 1, got {K}");
        }

        if (Mode is not ("paper" or "code"))
        {
            throw new ArgumentException($"--mode must be paper or code, got '{Mode}'");
        }

        if (Mu.HasValue != Sigma.HasValue)
        {
            throw new ArgumentException("--mu and --sigma go together (MAgICoRe's normalisation for a run without a dataset)");
        }

        var options = ImmutableDictionary<string, string>.Empty.Add("mode", Mode);
        var iortOnly = new[] { ("--instructor-model", InstructorModel), ("--meta-memory", MetaMemorySeed), ("--meta-memory-policy", MetaMemoryPolicy), ("--meta-similarity", MetaSimilarity) };
        if (Strategy != StrategyNames.Iort && iortOnly.FirstOrDefault(o => o.Item2 is not null) is ({ } flag, not null))
        {
            throw new ArgumentException($"{flag} applies to --strategy iort only");
        }

        if (Strategy == StrategyNames.Iort)
        {
            // Recorded in the spec, hence in the job id and the summary: the instructor model, the seed file and the policy.
            options = options.Add("meta_memory_policy", MetaMemoryPolicies.Name(MetaMemoryPolicies.Parse(MetaMemoryPolicy ?? "snapshot")));
            var similarity = (MetaSimilarity ?? SimilarityRegistry.MiniLm).Trim().ToLowerInvariant();
            if (!SimilarityRegistry.Names.Contains(similarity))
            {
                throw new ArgumentException($"--meta-similarity must be one of {string.Join(", ", SimilarityRegistry.Names)}, got '{MetaSimilarity}'");
            }

            options = options.Add("meta_memory_similarity", similarity);
            if (!string.IsNullOrWhiteSpace(InstructorModel))
            {
                options = options.Add("instructor_model", InstructorModel);
            }

            if (MetaMemorySeed is { } seed)
            {
                options = options.Add("meta_memory_seed", seed);
            }
        }

        if (Mu is { } mu && Sigma is { } sigma)
        {
            options = options.Add("mu", mu.ToString("R", CultureInfo.InvariantCulture)).Add("sigma", sigma.ToString("R", CultureInfo.InvariantCulture));
        }

        return StrategyDefaults.Create(
            Strategy, K, Rounds, Temperature, Seed, Model ?? "", VoteKeys.Parse(VoteKey), !KeepEmpty, EquivalenceModes.Parse(Equivalence),
            Reward ?? "", options);
    }
}
