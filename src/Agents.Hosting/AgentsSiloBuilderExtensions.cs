using Agents.Core.Prompts;
using Agents.Grains.Runs;
using Agents.Hosting;
using Agents.Inference;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>The one composition root of silos: the CLI's embedded silo, Agents.Silo and the test clusters.</summary>
public static class AgentsSiloBuilderExtensions
{
    /// <summary>The configuration key of a folder of edited role prompts (<c>agents prompts export DIR</c>).</summary>
    public const string PromptsDirectoryKey = "Agents:Prompts:Directory";

    /// <summary>
    /// Adds what agent, run and job grains need: model backends, the role prompts (<see cref="PromptTemplates"/>, this
    /// silo's own), grain storage, reminders and silo metadata.
    /// </summary>
    public static ISiloBuilder AddAgents(this ISiloBuilder silo)
    {
        var cluster = AgentsClusterOptions.From(silo.Configuration);
        // Edited role prompts (agents prompts export DIR) are checked now, so a bad file stops the silo with its name and line.
        // One instance per silo: silos sharing a process (test clusters) each render with their own configuration.
        silo.Services.AddSingleton(silo.Configuration[PromptsDirectoryKey] is { Length: > 0 } prompts
            ? PromptTemplates.FromDirectory(prompts)
            : PromptTemplates.Defaults);

        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.CallTimeout);
        silo.Services.AddOptions<AgentsClusterOptions>().BindConfiguration(AgentsClusterOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<Agents.Grains.Jobs.RetentionOptions>().BindConfiguration(Agents.Grains.Jobs.RetentionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddModelBackends(silo.Configuration);
        silo.Services.AddRewardModels(silo.Configuration);
        silo.Services.AddRunStrategies();
        silo.Services.AddSingleton(TimeProvider.System);
        AgentsClusterProviders.For(cluster).Storage(silo, cluster);

        // Grain state holds the same records that cross the wire (memoized agent replies typed as object), so it is
        // stored with Orleans' own serializer rather than the default JSON one, in memory and in Redis alike.
        silo.Services.AddOptions<MemoryGrainStorageOptions>(Agents.Grains.StorageNames.Agents)
            .Configure<IServiceProvider>((o, sp) => o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));
        silo.Services.AddOptions<RedisStorageOptions>(Agents.Grains.StorageNames.Agents)
            .Configure<IServiceProvider>((o, sp) => o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));

        silo.UseSiloMetadata(SiloMetadata(silo.Configuration));
        silo.AddGpuInference();

        // Carries the trace context across grain calls, so an agent's model-call span has its run's span as an ancestor;
        // without a listener (no telemetry configured) no span is created and nothing is added to messages.
        silo.AddActivityPropagation();
        return silo;
    }

    /// <summary>The metadata key listing the model names clients may send (<c>agents cluster status</c> shows it).</summary>
    public const string ListedModelsKey = "models.listed";

    // Orleans:Metadata as configured, plus the names of the models this silo lets clients use (never their specs:
    // endpoints and file paths stay with the operator).
    private static Dictionary<string, string> SiloMetadata(IConfiguration configuration)
    {
        var metadata = configuration.GetSection("Orleans:Metadata").GetChildren()
            .Where(c => c.Value is not null)
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        var named = configuration.GetSection(ModelOptions.SectionName + ":Named").GetChildren().Select(c => c.Key.Trim());
        metadata[ListedModelsKey] = string.Join(',', named.Prepend("sim").Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase));
        return metadata;
    }

    /// <summary>Joins the cluster named in <c>Agents:Cluster</c> through its provider (<see cref="AgentsClusterProviders"/>).</summary>
    public static ISiloBuilder UseAgentsClustering(this ISiloBuilder silo)
    {
        var cluster = AgentsClusterOptions.From(silo.Configuration);
        AgentsClusterProviders.For(cluster).Clustering(silo, cluster);
        return silo;
    }
}

/// <summary>Refuses to start a silo whose silo or gateway port is reachable from the network without TLS (unless allowed).</summary>
internal sealed class PlaintextExposureValidator(IOptions<EndpointOptions> endpoints, AgentsClusterOptions cluster) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (AgentsTls.PlaintextExposure(endpoints.Value, cluster) is { } problem)
        {
            throw new OrleansConfigurationException(problem);
        }
    }
}
