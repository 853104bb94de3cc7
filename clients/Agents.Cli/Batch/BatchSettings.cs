using Agents.Core.Answers;
using Agents.Contracts.Runs;
using Agents.Core.Instructing;
using Agents.Core.Strategies;

namespace Agents.Cli.Batch;

/// <summary>Everything <c>agents batch</c> was asked to do (bound from its options; the strategy part is a <see cref="StrategyRequest"/>).</summary>
internal sealed record BatchSettings(
    string Input,
    string Strategy,
    string Output,
    string? Model = null,
    int? K = null,
    int? Rounds = null,
    int Concurrency = 16,
    long Seed = 0,
    string? Cluster = null,
    string? JobId = null,
    double? Temperature = null,
    string VoteKey = "raw",
    bool KeepEmpty = false,
    string Equivalence = EquivalenceModes.DefaultName,
    int MaxAttempts = 3,
    string? Reward = null,
    IReadOnlyList<string>? Options = null,
    string? Transcripts = null,
    string? MetaMemory = null,
    string? Record = null,
    bool SkipForeignOptions = false)
{
    /// <summary>The strategy part of the settings; <paramref name="seedLabel"/> records the meta-memory seed file.</summary>
    public StrategyRequest ToStrategyRequest(string? seedLabel) => new()
    {
        Strategy = Strategy, Model = Model, Reward = Reward, K = K, Rounds = Rounds, Temperature = Temperature, Seed = Seed,
        VoteKey = VoteKey, KeepEmpty = KeepEmpty, Equivalence = Equivalence, SkipForeignOptions = SkipForeignOptions,
        Options = seedLabel is null ? Options ?? [] : [.. Options ?? [], $"meta_memory_seed={seedLabel}"],
    };
}

/// <summary>The validated batch: the spec, where it runs, the silo configuration it needs and the meta-memory seed.</summary>
internal sealed record BatchPlan(
    StrategySpec Spec,
    bool Embedded,
    IReadOnlyDictionary<string, string?> Configuration,
    ImmutableArray<MetaExample> MemorySeed,
    ImmutableArray<string> SeedErrors)
{
    /// <summary>The largest meta-memory seed file read (it is read whole, then line by line with caps).</summary>
    public const long MaxSeedFileBytes = 64L * 1024 * 1024;

    /// <summary>Validates <paramref name="settings"/>; false with the first problem in <paramref name="error"/>.</summary>
    public static bool TryCreate(BatchSettings settings, out BatchPlan plan, out string error)
    {
        plan = null!;
        error = StrategyNames.Validate(settings.Strategy) ?? "";
        if (error.Length > 0)
        {
            return false;
        }

        var embedded = string.IsNullOrWhiteSpace(settings.Cluster);
        try
        {
            if (settings.Concurrency < 1)
            {
                throw new ArgumentException($"--concurrency must be at least 1, got {settings.Concurrency}");
            }

            if (settings.Record is { Length: > 0 } && !embedded)
            {
                throw new ArgumentException("--record works on the embedded silo; in cluster mode start the silos with Agents__Models__Record=FILE");
            }

            var seed = new MetaMemorySeed([], []);
            string? label = null;
            if (settings.MetaMemory is { } file)
            {
                if (settings.Strategy != StrategyNames.Iort)
                {
                    throw new ArgumentException("--meta-memory applies to --strategy iort only");
                }

                if (new FileInfo(file).Length > MaxSeedFileBytes)
                {
                    throw new ArgumentException($"{file}: the meta-memory seed is larger than {MaxSeedFileBytes / (1024 * 1024)} MiB");
                }

                var bytes = File.ReadAllBytes(file);
                label = StrategyRequest.SeedLabel(file, bytes);
                using var reader = new StreamReader(new MemoryStream(bytes));
                seed = MetaMemorySeed.ReadJsonl(reader);
            }
            else if (settings.Strategy == StrategyNames.Iort)
            {
                // A first run's Meta-Thinker gets the project's own examples; the label records which seed it was.
                seed = MetaMemorySeed.BuiltIn;
                label = StrategyRequest.SeedLabel(MetaMemorySeed.BuiltInName, MetaMemorySeed.BuiltInBytes());
            }

            var configuration = new Dictionary<string, string?>();
            if (settings.Record is { Length: > 0 } record)
            {
                // Every model request and response is appended to this file; --model replay:FILE serves them back.
                configuration["Agents:Models:Record"] = Path.GetFullPath(record);
            }

            plan = new BatchPlan(settings.ToStrategyRequest(label).ToSpec(), embedded, configuration, seed.Examples,
                [.. seed.Errors.Select(e => $"{settings.MetaMemory}:{e}")]);
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read --meta-memory: {ex.Message}";
            return false;
        }
    }
}
