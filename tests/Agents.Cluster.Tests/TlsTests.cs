using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Hosting;
using Agents.Testing;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>Silo-to-silo and client-to-gateway TLS with a pinned, self-signed cluster certificate.</summary>
public sealed class TlsTests(ITestOutputHelper output)
{
    private const string Password = "tls-test-password";

    [RedisFact]
    public async Task Batch_TwoSilosAndClientOverTls_RunsOnBothSilos_PlaintextClientRefused()
    {
        var dir = Directory.CreateTempSubdirectory("agents-tls-");
        var certificate = Path.Combine(dir.FullName, "cluster.pfx");
        using (var cert = SelfSigned("CN=agents-cluster"))
        {
            await File.WriteAllBytesAsync(certificate, cert.Export(X509ContentType.Pfx, Password));
        }

        await using var redis = await RedisServer.StartAsync();
        var tlsEnvironment = new Dictionary<string, string> { [AgentsClusterOptions.TlsPasswordVariable] = Password };
        string[] tls = [$"--Agents:Cluster:TlsCertificate={certificate}"];
        var cpu = new Dictionary<string, string> { ["role"] = "cpu" };
        await using var siloA = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", cpu, tls, tlsEnvironment);
        await using var siloB = await SiloProcess.StartAsync("b", redis.Endpoint, "agents", cpu, tls, tlsEnvironment);
        var input = Path.Combine(dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(20, seed: 23)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(dir.FullName, "r.jsonl");
        var cluster = $"redis://{redis.Endpoint}";
        var clientEnvironment = new Dictionary<string, string>(tlsEnvironment) { ["Agents__Cluster__TlsCertificate"] = certificate };

        var batch = await CliProcess.RunAsync(clientEnvironment, null,
            "batch", "--input", input, "--strategy", "sc", "--k", "2", "--output", results, "--cluster", cluster, "--job", "job-tls");
        var plaintext = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["Agents__Cluster__ConnectTimeoutSeconds"] = "10" }, TimeSpan.FromMinutes(2), "cluster", "status", "--cluster", cluster);
        output.WriteLine(batch.Text);
        output.WriteLine(plaintext.Text);

        Assert.Equal(ExitCodes.Ok, batch.Exit);
        var rows = OutputFile.ReadAndRepair(results);
        Assert.Equal(20, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Equal(2, rows.Select(r => r.Silo).Distinct().Count());
        Assert.NotEqual(ExitCodes.Ok, plaintext.Exit);
        Assert.Contains("no gateway of the cluster", plaintext.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, siloA.Log + siloB.Log + batch.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrusted_PinnedThumbprintOnly_ChainErrorsOfASelfSignedCertificateAllowed()
    {
        using var cluster = SelfSigned("CN=agents-cluster");
        using var stranger = SelfSigned("CN=agents-cluster");
        var trusted = new HashSet<string>(StringComparer.Ordinal) { cluster.Thumbprint.ToUpperInvariant() };

        Assert.True(AgentsTls.IsTrusted(cluster, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, trusted));
        Assert.False(AgentsTls.IsTrusted(stranger, SslPolicyErrors.None, trusted));
        Assert.False(AgentsTls.IsTrusted(null, SslPolicyErrors.RemoteCertificateNotAvailable, trusted));
    }

    [Fact]
    public void LoadCertificate_WrongPasswordOrMissingFile_NamesTheFileAndTheVariable()
    {
        var dir = Directory.CreateTempSubdirectory("agents-tls-");
        var path = Path.Combine(dir.FullName, "c.pfx");
        using (var cert = SelfSigned("CN=x"))
        {
            File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, "other-password"));
        }

        var missing = Assert.Throws<InvalidOperationException>(() => AgentsTls.LoadCertificate(new AgentsClusterOptions { TlsCertificate = path + ".nope" }));
        var wrong = Assert.Throws<InvalidOperationException>(() => AgentsTls.LoadCertificate(new AgentsClusterOptions { TlsCertificate = path }));

        Assert.Contains($"{path}.nope not found", missing.Message, StringComparison.Ordinal);
        Assert.Contains(path, wrong.Message, StringComparison.Ordinal);
        Assert.Contains(AgentsClusterOptions.TlsPasswordVariable, wrong.Message, StringComparison.Ordinal);
        Assert.Null(AgentsTls.LoadCertificate(new AgentsClusterOptions()));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
