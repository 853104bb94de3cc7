using k8s;
using k8s.Models;
using Agents.Testing;

namespace Agents.Deploy.Tests;

/// <summary>One object of deploy/k8s, with the file it came from.</summary>
/// <param name="File">The manifest's file name.</param>
/// <param name="Object">The typed object KubernetesClient's YAML loader made of it.</param>
internal sealed record Manifest(string File, IKubernetesObject<V1ObjectMeta> Object)
{
    /// <summary>"file: Kind/name", for assertion messages.</summary>
    public override string ToString() => $"{File}: {Object.Kind}/{Object.Metadata?.Name}";
}

/// <summary>A pod template of a workload in deploy/k8s.</summary>
/// <param name="Owner">The workload.</param>
/// <param name="Template">Its pod template.</param>
internal sealed record PodTemplate(Manifest Owner, V1PodTemplateSpec Template)
{
    /// <summary>The pod's long-running containers: regular ones and native sidecars (init containers that keep running).</summary>
    public IEnumerable<V1Container> Containers =>
        (Template.Spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always").Concat(Template.Spec.Containers);

    /// <summary>Every container of the pod, init containers included.</summary>
    public IEnumerable<V1Container> AllContainers => (Template.Spec.InitContainers ?? []).Concat(Template.Spec.Containers);

    /// <summary>Whether some container asks for a GPU.</summary>
    public bool RequestsGpu => AllContainers.Any(c =>
        (c.Resources?.Limits?.ContainsKey(Deployment.GpuResource) ?? false) || (c.Resources?.Requests?.ContainsKey(Deployment.GpuResource) ?? false));

    public override string ToString() => Owner.ToString();
}

/// <summary>Loads deploy/k8s with KubernetesClient's strict YAML loader: an unknown field or kind is an error.</summary>
internal static class Deployment
{
    /// <summary>The GPU resource name of NVIDIA's device plugin.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>The node label that names a node pool (README: kubectl label node … agents/pool=gpu).</summary>
    public const string PoolLabel = "agents/pool";

    /// <summary>The image repository prefix of the project's own images (silo, API).</summary>
    public const string OwnImagePrefix = "registry.example.com/agents/";

    /// <summary>The folder of the manifests.</summary>
    public static string Directory { get; } = Path.Combine(SharedData.RepoRoot, "deploy", "k8s");

    /// <summary>The manifest files (every *.yaml but the kustomization).</summary>
    public static IReadOnlyList<string> Files { get; } = System.IO.Directory.GetFiles(Directory, "*.yaml")
        .Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

    /// <summary>Every object of every manifest file.</summary>
    public static IReadOnlyList<Manifest> All { get; } = Files.SelectMany(Load).ToList();

    /// <summary>Every workload's pod template.</summary>
    public static IReadOnlyList<PodTemplate> Pods { get; } = All.Select(m => m.Object switch
    {
        V1Deployment d => new PodTemplate(m, d.Spec.Template),
        V1StatefulSet s => new PodTemplate(m, s.Spec.Template),
        V1DaemonSet s => new PodTemplate(m, s.Spec.Template),
        V1Job j => new PodTemplate(m, j.Spec.Template),
        _ => null,
    }).OfType<PodTemplate>().ToList();

    /// <summary>Loads one file strictly; the message names the file.</summary>
    public static IEnumerable<Manifest> Load(string path)
    {
        List<object> objects;
        try
        {
            objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(path), typeMap: null, strict: true);
        }
        catch (Exception ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {ex.Message}", ex);
        }

        return objects.Select(o => new Manifest(Path.GetFileName(path), o as IKubernetesObject<V1ObjectMeta>
            ?? throw new InvalidDataException($"{Path.GetFileName(path)}: {o.GetType().Name} is not a Kubernetes object with metadata")));
    }

    /// <summary>Whether an image is one of the project's own (silo or API).</summary>
    public static bool IsOwnImage(string image) => image.StartsWith(OwnImagePrefix, StringComparison.Ordinal);

    /// <summary>Whether a container runs the silo image.</summary>
    public static bool IsSilo(V1Container container) => container.Image.StartsWith(OwnImagePrefix + "silo:", StringComparison.Ordinal);

    /// <summary>The ConfigMap of that name.</summary>
    public static V1ConfigMap ConfigMap(string name) =>
        All.Select(m => m.Object).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == name);
}
