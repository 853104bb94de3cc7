using System.Globalization;

namespace Agents.Contracts.Inference;

/// <summary>A model a gpu silo serves, read from its silo metadata.</summary>
/// <param name="Id">The model id agents name (<c>--model ID</c>); replicas are keyed <c>ID/index</c>.</param>
/// <param name="Spec">The backend spec the silo runs it with (<c>sim</c>, <c>openai:URL#MODEL</c>, <c>gguf:PATH</c>, <c>replay:FILE</c>).</param>
/// <param name="Capacity">Concurrent requests one replica serves.</param>
/// <param name="Replicas">Replicas this silo may host.</param>
/// <param name="QueueLimit">Requests one replica queues beyond its capacity (0 = the cluster default).</param>
[GenerateSerializer, Immutable, Alias("agents.hosted-model.v1")]
public sealed record HostedModel(
    [property: Id(0)] string Id,
    [property: Id(1)] string Spec,
    [property: Id(2)] int Capacity,
    [property: Id(3)] int Replicas,
    [property: Id(4)] int QueueLimit);

/// <summary>
/// The silo metadata keys (<c>Orleans:Metadata:KEY</c>) of the inference tier:
/// <c>gpu=true</c>; <c>models=ID[,ID...]</c>; per model <c>model.ID=SPEC</c> (default: the id itself, e.g. <c>sim</c>),
/// <c>capacity.ID=N</c> (default 4), <c>replicas.ID=N</c> (default 1), <c>queue.ID=N</c> (default: the cluster's).
/// </summary>
public static class GpuSiloMetadata
{
    /// <summary>The role key: <c>true</c> on silos that may host inference replicas.</summary>
    public const string GpuKey = "gpu";

    /// <summary>Comma-separated model ids the silo hosts.</summary>
    public const string ModelsKey = "models";

    /// <summary>Prefix of the per-model backend spec key.</summary>
    public const string SpecPrefix = "model.";

    /// <summary>Prefix of the per-model replica capacity key.</summary>
    public const string CapacityPrefix = "capacity.";

    /// <summary>Prefix of the per-model replicas-per-silo key.</summary>
    public const string ReplicasPrefix = "replicas.";

    /// <summary>Prefix of the per-model queue-limit key.</summary>
    public const string QueuePrefix = "queue.";

    /// <summary>Capacity of a replica whose model sets none.</summary>
    public const int DefaultCapacity = 4;

    /// <summary>Whether the metadata marks a gpu silo.</summary>
    public static bool IsGpu(IReadOnlyDictionary<string, string> metadata) =>
        metadata is not null && string.Equals(metadata.GetValueOrDefault(GpuKey), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The models a gpu silo hosts (empty for other silos or when none are listed).</summary>
    public static ImmutableArray<HostedModel> Models(IReadOnlyDictionary<string, string> metadata)
    {
        if (!IsGpu(metadata) || metadata.GetValueOrDefault(ModelsKey) is not { Length: > 0 } list)
        {
            return [];
        }

        return [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .Select(id => new HostedModel(
                id,
                metadata.GetValueOrDefault(SpecPrefix + id) is { Length: > 0 } spec ? spec : id,
                Positive(metadata, CapacityPrefix + id, DefaultCapacity),
                Positive(metadata, ReplicasPrefix + id, 1),
                Positive(metadata, QueuePrefix + id, 0)))];
    }

    /// <summary>The hosted model with this id, or the one whose backend spec is this text.</summary>
    public static HostedModel? Find(IReadOnlyDictionary<string, string> metadata, string idOrSpec) =>
        Models(metadata) is var models && models.FirstOrDefault(m => m.Id == idOrSpec) is { } byId
            ? byId
            : models.FirstOrDefault(m => m.Spec == idOrSpec);

    /// <summary>Splits a replica key <c>model/index</c> (the model id may itself contain '/').</summary>
    public static (string Model, int Index) ParseReplicaKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new ArgumentException($"Inference replica key '{key}' is not 'model/index'.", nameof(key));
        }

        return (key[..slash], index);
    }

    /// <summary>The replica key of a model's i-th replica.</summary>
    public static string ReplicaKey(string model, int index) => string.Create(CultureInfo.InvariantCulture, $"{model}/{index}");

    private static int Positive(IReadOnlyDictionary<string, string> metadata, string key, int fallback) =>
        int.TryParse(metadata.GetValueOrDefault(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
