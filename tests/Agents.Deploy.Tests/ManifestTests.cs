using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace Agents.Deploy.Tests;

/// <summary>
/// deploy/k8s checked without a cluster: every manifest loads with KubernetesClient's typed models in strict mode, and
/// the rules a team relies on hold (probes, resources, secrets, pinned images, GPU pool, the silo's configuration keys).
/// </summary>
public sealed partial class ManifestTests
{
    private static readonly string[] ExpectedKinds =
        ["ConfigMap", "Deployment", "Ingress", "Namespace", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount", "StatefulSet"];

    [Fact]
    public void Kustomization_ListsEveryManifestFile_AndNothingElse()
    {
        var text = File.ReadAllText(Path.Combine(Deployment.Directory, "kustomization.yaml"));
        // Strict: an unknown kustomization field (a typo such as "resource:") fails here.
        var kustomization = new DeserializerBuilder().Build().Deserialize<Kustomization>(text);

        Assert.Equal("kustomize.config.k8s.io/v1beta1", kustomization.ApiVersion);
        Assert.Equal("Kustomization", kustomization.Kind);
        Assert.Equal(Deployment.Files.Select(Path.GetFileName).Order(StringComparer.Ordinal), kustomization.Resources.Order(StringComparer.Ordinal));
        var ownImages = Deployment.Pods.SelectMany(p => p.AllContainers).Select(c => c.Image).Where(Deployment.IsOwnImage)
            .Select(i => i[..i.LastIndexOf(':')]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(ownImages, kustomization.Images.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(kustomization.Images, i => Assert.Matches(PinnedTag(), i.NewTag));
        Assert.All(Deployment.All, m => Assert.True(m.Object is V1Namespace || m.Object.Metadata.NamespaceProperty is null,
            $"{m}: leave the namespace to the kustomization"));
    }

    [Fact]
    public void EveryManifest_LoadsAsTypedObjects_OfExpectedKinds()
    {
        Assert.NotEmpty(Deployment.Files);
        Assert.Equal(ExpectedKinds, Deployment.All.Select(m => m.Object.Kind).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Deployment.All, m => Assert.False(string.IsNullOrEmpty(m.Object.Metadata?.Name), $"{m}: no name"));
        Assert.Equal(Deployment.All.Count, Deployment.All.Select(m => (m.Object.Kind, m.Object.Metadata.Name)).Distinct().Count());
    }

    [Fact]
    public void StrictLoader_RejectsUnknownFieldsAndKinds()
    {
        // The rules above are only as good as the loader: prove it refuses what a typo would produce.
        const string typo = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectr:\n    a: b\n";
        const string unknownKind = "apiVersion: v1\nkind: Servce\nmetadata:\n  name: x\n";
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(typo, typeMap: null, strict: true));
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(unknownKind, typeMap: null, strict: true));
        Assert.Single(KubernetesYaml.LoadAllFromString(typo.Replace("selectr", "selector", StringComparison.Ordinal), typeMap: null, strict: true));
    }

    [Fact]
    public void EveryLongRunningContainer_HasProbesAndResources()
    {
        Assert.All(Deployment.Pods.SelectMany(p => p.Containers.Select(c => (Pod: p, Container: c))), x =>
        {
            var where = $"{x.Pod} container {x.Container.Name}";
            Assert.True(x.Container.ReadinessProbe is not null, $"{where}: no readiness probe");
            Assert.True(x.Container.LivenessProbe is not null, $"{where}: no liveness probe");
            Assert.True(x.Container.Resources?.Requests?.ContainsKey("cpu") == true, $"{where}: no cpu request");
            Assert.True(x.Container.Resources?.Requests?.ContainsKey("memory") == true, $"{where}: no memory request");
            Assert.True(x.Container.Resources?.Limits?.ContainsKey("memory") == true, $"{where}: no memory limit");
        });
    }

    [Fact]
    public void EveryImage_IsPinned_AndOurImagesRunNonRootOnAReadOnlyRoot()
    {
        Assert.All(Deployment.Pods.SelectMany(p => p.AllContainers.Select(c => (Pod: p, Container: c))), x =>
        {
            var where = $"{x.Pod} container {x.Container.Name}";
            var image = x.Container.Image;
            var tag = image.Contains('@', StringComparison.Ordinal) ? null : image[(image.LastIndexOf('/') + 1)..].Split(':').ElementAtOrDefault(1);
            Assert.True(image.Contains("@sha256:", StringComparison.Ordinal) || (tag is not null && PinnedTag().IsMatch(tag)),
                $"{where}: image {image} is not pinned to a version tag or digest");
            Assert.False(x.Container.SecurityContext?.Privileged == true, $"{where}: privileged");
            Assert.False(x.Container.SecurityContext?.AllowPrivilegeEscalation != false, $"{where}: allowPrivilegeEscalation is not false");
            if (Deployment.IsOwnImage(image) || x.Pod.Template.Spec.SecurityContext?.RunAsNonRoot == true)
            {
                var nonRoot = x.Container.SecurityContext?.RunAsNonRoot ?? x.Pod.Template.Spec.SecurityContext?.RunAsNonRoot;
                Assert.True(nonRoot == true, $"{where}: not runAsNonRoot");
                Assert.True(x.Container.SecurityContext?.ReadOnlyRootFilesystem == true, $"{where}: root filesystem is writable");
            }
        });
    }

    [Fact]
    public void NoSecretInPlainText()
    {
        Assert.DoesNotContain(Deployment.All, m => m.Object is V1Secret);
        var secretish = SecretName();
        foreach (var pod in Deployment.Pods)
        {
            foreach (var container in pod.AllContainers)
            {
                foreach (var env in container.Env ?? [])
                {
                    if (secretish.IsMatch(env.Name))
                    {
                        Assert.True(env.ValueFrom?.SecretKeyRef is not null, $"{pod} {container.Name}: {env.Name} must come from a Secret (valueFrom.secretKeyRef)");
                    }
                }

                var commandLine = string.Join(' ', (container.Command ?? []).Concat(container.Args ?? []));
                Assert.False(Regex.IsMatch(commandLine, "requirepass\\s+[^\"$]|password=|api[_-]?key=|token=", RegexOptions.IgnoreCase),
                    $"{pod} {container.Name}: a secret on the command line: {commandLine}");
            }
        }

        foreach (var map in Deployment.All.Select(m => m.Object).OfType<V1ConfigMap>())
        {
            Assert.All(map.Data ?? new Dictionary<string, string>(), kv =>
            {
                Assert.False(secretish.IsMatch(kv.Key), $"ConfigMap {map.Metadata.Name}: {kv.Key} looks like a secret; use a Secret");
                Assert.DoesNotContain("@", kv.Value, StringComparison.Ordinal); // user:password@host
            });
        }
    }

    [Fact]
    public void GpuPods_RunOnlyOnTheGpuPool_AndOtherPodsNeverDo()
    {
        var gpuPods = Deployment.Pods.Where(p => p.RequestsGpu).ToList();
        Assert.Equal(["agents-reward", "agents-silo-gpu"], gpuPods.Select(p => p.Owner.Object.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(Deployment.Pods, pod =>
        {
            var pool = Get(pod.Template.Spec.NodeSelector, Deployment.PoolLabel);
            Assert.True(pool is not null, $"{pod}: no {Deployment.PoolLabel} node selector");
            var tolerates = pod.Template.Spec.Tolerations?.Any(t => t.Key == Deployment.GpuResource && t.Effect == "NoSchedule") == true;
            if (pod.RequestsGpu)
            {
                Assert.True(pool == "gpu" && tolerates, $"{pod}: asks for a GPU, so it needs {Deployment.PoolLabel}=gpu and the {Deployment.GpuResource} toleration");
                Assert.All(pod.AllContainers.Where(c => c.Resources?.Limits?.ContainsKey(Deployment.GpuResource) == true), c =>
                    Assert.Equal(c.Resources.Limits[Deployment.GpuResource], Get(c.Resources.Requests, Deployment.GpuResource)));
            }
            else
            {
                Assert.True(pool != "gpu" && !tolerates, $"{pod}: needs no GPU but would take a GPU node");
            }
        });
    }

    [Fact]
    public void GpuSilo_AdvertisesTheModelServedBesideIt()
    {
        var pod = Deployment.Pods.Single(p => p.Owner.Object.Metadata.Name == "agents-silo-gpu");
        var silo = pod.Containers.Single(Deployment.IsSilo);
        var env = (silo.Env ?? []).ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("true", env["Orleans__Metadata__gpu"]);
        var models = env["Orleans__Metadata__models"].Split(',');
        var sidecar = pod.Containers.Single(c => c != silo && c.Resources?.Limits?.ContainsKey(Deployment.GpuResource) == true);
        Assert.Equal("Always", sidecar.RestartPolicy); // a native sidecar: up before the silo, down after it
        foreach (var model in models)
        {
            var spec = env[$"Orleans__Metadata__model.{model}"];
            Assert.StartsWith("openai:http://127.0.0.1:8000/v1#", spec, StringComparison.Ordinal);
            Assert.Contains("--port=8000", sidecar.Args);
            Assert.Contains($"--model={spec[(spec.IndexOf('#', StringComparison.Ordinal) + 1)..]}", sidecar.Args);
        }
    }

    [Fact]
    public void SiloPods_UseKubernetesHosting_WithLabelsRbacProbesAndDrainTime()
    {
        var config = Deployment.ConfigMap("agents-config").Data;
        var role = Deployment.All.Select(m => m.Object).OfType<V1Role>().Single(r => r.Metadata.Name == "agents-silo");
        var binding = Deployment.All.Select(m => m.Object).OfType<V1RoleBinding>().Single(b => b.RoleRef.Name == role.Metadata.Name);
        Assert.Contains(role.Rules, r => r.Resources.Contains("pods") && new[] { "get", "list", "watch" }.All(r.Verbs.Contains));
        var silos = Deployment.Pods.Where(p => p.Containers.Any(Deployment.IsSilo)).ToList();
        Assert.Equal(2, silos.Count);
        var budgets = Deployment.All.Select(m => m.Object).OfType<V1PodDisruptionBudget>().ToList();
        Assert.All(silos, pod =>
        {
            var labels = pod.Template.Metadata.Labels;
            Assert.Equal(config["Agents__Cluster__ClusterId"], labels["orleans/clusterId"]);
            Assert.Equal(config["Agents__Cluster__ServiceId"], labels["orleans/serviceId"]);
            Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == pod.Template.Spec.ServiceAccountName);
            Assert.InRange(pod.Template.Spec.TerminationGracePeriodSeconds ?? 30, 60, 600);
            // Kubernetes hosting reads the in-cluster configuration: the service account token must be mounted.
            Assert.NotEqual(false, pod.Template.Spec.AutomountServiceAccountToken);
            Assert.Contains(budgets, b => b.Spec.Selector.MatchLabels.All(l => Get(labels, l.Key) == l.Value));

            var silo = pod.Containers.Single(Deployment.IsSilo);
            var env = (silo.Env ?? []).ToDictionary(e => e.Name);
            Assert.Equal("true", env["Agents__Kubernetes__Enabled"].Value);
            Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("status.podIP", env["POD_IP"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("metadata.labels['orleans/clusterId']", env["ORLEANS_CLUSTER_ID"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("metadata.labels['orleans/serviceId']", env["ORLEANS_SERVICE_ID"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("$(POD_IP)", env["Agents__Cluster__AdvertisedAddress"].Value);
            var health = env["Agents__Health__Port"].Value;
            Assert.Equal(health, silo.Ports.Single(p => p.Name == "health").ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("/health/ready", silo.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/health/live", silo.LivenessProbe.HttpGet.Path);
            Assert.Equal(env["Agents__Cluster__SiloPort"].Value, silo.Ports.Single(p => p.Name == "silo").ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(env["Agents__Cluster__GatewayPort"].Value, silo.Ports.Single(p => p.Name == "gateway").ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public void EverySettingGivenToASilo_IsReadByTheSilo()
    {
        var given = new List<(string Where, string Name)>();
        foreach (var pod in Deployment.Pods)
        {
            foreach (var silo in pod.Containers.Where(Deployment.IsSilo))
            {
                given.AddRange((silo.Env ?? []).Select(e => ($"{pod} env", e.Name)));
                foreach (var source in silo.EnvFrom ?? [])
                {
                    Assert.True(source.ConfigMapRef is not null, $"{pod}: envFrom other than a ConfigMap");
                    given.AddRange(Deployment.ConfigMap(source.ConfigMapRef.Name).Data.Keys.Select(k => ($"ConfigMap {source.ConfigMapRef.Name}", k)));
                }
            }
        }

        Assert.Contains(given, g => g.Name == "Agents__Cluster__Redis");
        Assert.Contains(given, g => g.Name == "Agents__Telemetry__OtlpEndpoint");
        var problems = given.Select(g => ConfigurationKeys.Problem(g.Name) is { } p ? $"{g.Where}: {p}" : null).OfType<string>().Distinct().ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void KeyCheck_RejectsKeysNoOptionsClassBinds()
    {
        // The check above must be able to fail: typos in a section, a property, a metadata key and a variable.
        Assert.Null(ConfigurationKeys.Problem("Agents__Rewards__Http__PoolingPath"));
        Assert.Null(ConfigurationKeys.Problem("Agents__Cluster__TlsClientThumbprints__0"));
        Assert.NotNull(ConfigurationKeys.Problem("Agents__Clustre__Redis"));
        Assert.NotNull(ConfigurationKeys.Problem("Agents__Cluster__Rediss"));
        Assert.NotNull(ConfigurationKeys.Problem("Agents__Rewards__Http"));
        Assert.NotNull(ConfigurationKeys.Problem("Orleans__Metadata__capacity"));
        Assert.NotNull(ConfigurationKeys.Problem("AGENTS_REDIS_PASSWD"));
    }

    [Fact]
    public void Readme_DocumentsEveryVariableOfTheSilo_AndEachIsReal()
    {
        var readme = File.ReadAllText(Path.Combine(Deployment.Directory, "..", "README.md"));
        const string heading = "## Every environment variable the silo reads";
        Assert.Contains(heading, readme, StringComparison.Ordinal);
        readme = readme[readme.IndexOf(heading, StringComparison.Ordinal)..];
        var documented = TableVariable().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var problems = documented.Select(v => ConfigurationKeys.Problem(Regex.Replace(v, "\\.ID$", ".x")) is { } p ? p : null).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var used = Deployment.Pods.SelectMany(p => p.Containers.Where(Deployment.IsSilo))
            .SelectMany(c => (c.Env ?? []).Select(e => e.Name))
            .Concat(Deployment.ConfigMap("agents-config").Data.Keys)
            .Select(n => Regex.Replace(n, "^(Orleans__Metadata__(?:model|capacity|queue|replicas)\\.).+$", "${1}ID"))
            .Distinct();
        Assert.All(used, name => Assert.Contains(name, documented));
        // Every section the silo binds has its keys in the table.
        var sections = new[] { "Agents__Cluster__", "Agents__Health__", "Agents__Kubernetes__", "Agents__Telemetry__", "Agents__Gpu__", "Agents__Models__" };
        Assert.All(sections, s => Assert.Contains(documented, d => d.StartsWith(s, StringComparison.Ordinal)));
    }

    private static T? Get<T>(IDictionary<string, T>? map, string key) where T : class =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)+([-.][0-9A-Za-z.-]+)?$|^v[0-9]+(\\.[0-9]+)+$")]
    private static partial Regex PinnedTag();

    [GeneratedRegex("PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|_AUTH$|CREDENTIAL", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // A table row of deploy/README.md: | `NAME` | ...
    [GeneratedRegex("^\\| `([A-Za-z_][A-Za-z0-9_.]*)` \\|", RegexOptions.Multiline)]
    private static partial Regex TableVariable();

    /// <summary>The fields of a kustomization this folder uses (strict: any other field fails to deserialize).</summary>
    private sealed class Kustomization
    {
        [YamlMember(Alias = "apiVersion")] public string ApiVersion { get; set; } = "";
        [YamlMember(Alias = "kind")] public string Kind { get; set; } = "";
        [YamlMember(Alias = "namespace")] public string Namespace { get; set; } = "";
        [YamlMember(Alias = "resources")] public List<string> Resources { get; set; } = [];
        [YamlMember(Alias = "images")] public List<KustomizeImage> Images { get; set; } = [];
    }

    private sealed class KustomizeImage
    {
        [YamlMember(Alias = "name")] public string Name { get; set; } = "";
        [YamlMember(Alias = "newTag")] public string NewTag { get; set; } = "";
    }
}
