using Agents.Inference.Resilience;
using Agents.Inference.Rewards;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the reward models: options and the registry.</summary>
public static class RewardServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RewardOptions"/> (section <c>Agents:Rewards</c>), registers <see cref="IRewardModelRegistry"/> and an
    /// <see cref="IRewardModel"/> for the default spec. The judge backend needs <c>AddModelBackends</c> (for <see cref="Agents.Inference.IModelRegistry"/>)
    /// and a registered <see cref="Agents.Core.Prompts.PromptTemplates"/> (a silo's <c>AddAgents</c> registers its own).
    /// </summary>
    public static IServiceCollection AddRewardModels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RewardOptions>()
            .Bind(configuration.GetSection(RewardOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => RewardSpec.TryParse(o.Default, out _), $"{RewardOptions.SectionName}:Default is not a valid reward spec; accepted forms: {RewardSpec.AcceptedForms}")
            .Validate(o => o.Named.Values.All(spec => RewardSpec.TryParse(spec, out _)), $"{RewardOptions.SectionName}:Named: a reward spec is invalid; accepted forms: {RewardSpec.AcceptedForms}")
            .ValidateOnStart();
        services.AddOptions<ModelRetryOptions>()
            .Bind(configuration.GetSection(ModelRetryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddLogging();
        services.AddSingleton<RewardModelRegistry>();
        services.AddSingleton<IRewardModelRegistry>(sp => sp.GetRequiredService<RewardModelRegistry>());
        services.AddSingleton(sp => sp.GetRequiredService<IRewardModelRegistry>().Default);
        return services;
    }
}
