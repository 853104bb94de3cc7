using Agents.Core.Simulation;
using Agents.Inference;
using Agents.Inference.Simulation;
using Agents.Inference.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the model backends: options, the registry, and a keyed <see cref="IChatClient"/> per role.</summary>
public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModelOptions"/>, <see cref="ModelRetryOptions"/> and the simulated model's options, registers <see cref="IModelRegistry"/>,
    /// a keyed <see cref="IChatClient"/> for each of <see cref="ModelRoles.All"/> and an unkeyed one for the default spec.
    /// </summary>
    public static IServiceCollection AddModelBackends(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Sentence embeddings run in-process (MiniLM, loaded on first use); meta-memory retrieval picks a measure by name.
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>, Agents.Inference.Embeddings.MiniLmEmbeddingGenerator>();
        services.TryAddSingleton<Agents.Inference.Embeddings.SimilarityRegistry>();
        services.AddOptions<ModelOptions>()
            .Bind(configuration.GetSection(ModelOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.FirstInvalidSpec() is null, $"{ModelOptions.SectionName}: a model spec is invalid; accepted forms: {ModelSpec.AcceptedForms}")
            .ValidateOnStart();
        services.AddOptions<ModelRetryOptions>()
            .Bind(configuration.GetSection(ModelRetryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<Agents.Inference.Backends.ModelHintOptions>()
            .Bind(configuration.GetSection(Agents.Inference.Backends.ModelHintOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<SimulationOptions>()
            .Bind(configuration.GetSection(SimulationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SimulatedLatencyOptions>()
            .Bind(configuration.GetSection(SimulatedLatencyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddLogging();
        // What clients may name: the silo's own specs, its listed models and the models it hosts (Orleans:Metadata:model.ID).
        services.TryAddSingleton(sp => new ModelAllowList(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value,
            sp.GetService<IOptions<Agents.Inference.Rewards.RewardOptions>>()?.Value,
            HostedSpecs(configuration)));
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<IModelRegistry>(sp => sp.GetRequiredService<ModelRegistry>());
        foreach (var role in ModelRoles.All)
        {
            services.AddKeyedSingleton<IChatClient>(role, (sp, key) => sp.GetRequiredService<IModelRegistry>()
                .Resolve(sp.GetRequiredService<IOptions<ModelOptions>>().Value.SpecFor((string)key!)));
        }

        services.AddSingleton<IChatClient>(sp => sp.GetRequiredService<IModelRegistry>()
            .Resolve(sp.GetRequiredService<IOptions<ModelOptions>>().Value.Default));
        return services;
    }

    // A gpu silo's hosted models (Orleans:Metadata:models=ID,… with model.ID=SPEC, the id itself when absent) are its operator's choice.
    private static string[] HostedSpecs(IConfiguration configuration)
    {
        var metadata = configuration.GetSection("Orleans:Metadata");
        var ids = (metadata["models"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ids.Select(id => metadata["model." + id] is { Length: > 0 } spec ? spec : id).ToArray();
    }
}
