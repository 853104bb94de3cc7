using Microsoft.Extensions.Configuration;

namespace Agents.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting on a silo; bound from the <c>Agents:Kubernetes</c> configuration section. Off unless
/// enabled, so a silo outside Kubernetes (local processes, containers, tests) never talks to a Kubernetes API.
/// </summary>
/// <remarks>
/// When enabled the silo takes its name, advertised address and cluster/service ids from the pod (the environment
/// variables <c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>, <c>ORLEANS_CLUSTER_ID</c>, <c>ORLEANS_SERVICE_ID</c>
/// that the manifests set from the pod's fields and its <c>orleans/clusterId</c> / <c>orleans/serviceId</c> labels), and
/// declares a silo dead in the membership table as soon as its pod is gone, instead of waiting for missed probes.
/// </remarks>
public sealed class AgentsKubernetesOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agents:Kubernetes";

    /// <summary>Use Orleans' Kubernetes hosting (needs the pod's service account to get, list and watch pods).</summary>
    public bool Enabled { get; set; }

    /// <summary>Also delete the pods of silos that membership declared dead (needs the <c>delete</c> verb on pods).</summary>
    public bool DeleteDefunctSiloPods { get; set; }

    /// <summary>Reads the options from configuration.</summary>
    public static AgentsKubernetesOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AgentsKubernetesOptions>() ?? new AgentsKubernetesOptions();
}
