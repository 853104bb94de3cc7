using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Agents.Hosting;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>
/// TLS between silos and from clients to gateways, with separate trust for the two: silos hold a silo certificate,
/// clients a client certificate, each pinned by SHA-256 thumbprint with its validity period checked.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "tls-test-password";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-tls-");

    public void Dispose() => _dir.Delete(recursive: true);

    [RedisFact]
    public async Task Cluster_SiloAndClientCertificates_ClientConnects_UnpinnedExpiredPlaintextRefused_ClientCertificateCannotJoinAsSilo()
    {
        using var siloCert = SelfSigned("CN=agents-silo");
        using var clientCert = SelfSigned("CN=agents-client");
        using var stranger = SelfSigned("CN=agents-client");
        using var expired = SelfSigned("CN=agents-client-expired", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        var siloPfx = Save(siloCert, "silo.pfx");
        var clientPfx = Save(clientCert, "client.pfx");
        var strangerPfx = Save(stranger, "stranger.pfx");

        await using var redis = await RedisServer.StartAsync();
        var secret = new Dictionary<string, string> { [AgentsClusterOptions.TlsPasswordVariable] = Password };
        // Silos: the silo certificate (silo pins default to it), and the client certificates the gateways accept.
        string[] siloTls =
        [
            $"--Agents:Cluster:TlsCertificate={siloPfx}",
            $"--Agents:Cluster:TlsClientThumbprints:0={AgentsTls.Sha256(clientCert)}",
            $"--Agents:Cluster:TlsClientThumbprints:1={AgentsTls.Sha256(expired)}",
        ];
        var cpu = new Dictionary<string, string> { ["role"] = "cpu" };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var starting = new[] { SiloProcess.StartAsync("a", redis.Endpoint, "agents", cpu, siloTls, secret), SiloProcess.StartAsync("b", redis.Endpoint, "agents", cpu, siloTls, secret) };
        await using var siloA = await starting[0];
        await using var siloB = await starting[1];
        output.WriteLine($"silos started at {clock.Elapsed.TotalSeconds:F1} s");
        var cluster = $"redis://{redis.Endpoint}";
        Dictionary<string, string> ClientEnvironment(string pfx) => new(secret)
        {
            ["Agents__Cluster__TlsCertificate"] = pfx,
            ["Agents__Cluster__TlsSiloThumbprints__0"] = AgentsTls.Sha256(siloCert),
        };

        // The client certificate: a batch runs on both silos.
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(20, seed: 23)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var batch = await CliProcess.RunAsync(ClientEnvironment(clientPfx), null,
            "batch", "--input", input, "--strategy", "sc", "--k", "2", "--output", results, "--cluster", cluster, "--job", "job-tls");
        output.WriteLine(batch.Text);
        Assert.Equal(ExitCodes.Ok, batch.Exit);
        var rows = OutputFile.ReadAndRepair(results);
        Assert.Equal(20, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Equal(2, rows.Select(r => r.Silo).Distinct().Count());

        output.WriteLine($"batch done at {clock.Elapsed.TotalSeconds:F1} s");

        // A certificate nobody pinned: the gateway refuses it (waited for in the silos' logs, not on a connect timeout,
        // which a loaded machine can use up before the handshake). No TLS at all: no gateway answers, and the batch
        // command says so.
        var unpinnedText = new System.Text.StringBuilder();
        using (var unpinned = CliProcess.Start(new Dictionary<string, string>(ClientEnvironment(strangerPfx)) { ["Agents__Cluster__ConnectTimeoutSeconds"] = "300" },
            unpinnedText, "cluster", "status", "--cluster", cluster))
        {
            await Eventually.TrueAsync(() => (siloA.Log + siloB.Log).Contains($"(SHA-256 {AgentsTls.Sha256(stranger)}) is not pinned", StringComparison.Ordinal),
                TimeSpan.FromMinutes(3), "a gateway logging the unpinned client certificate");
            Assert.False(unpinned.HasExited && unpinned.ExitCode == ExitCodes.Ok, unpinnedText.ToString());
            unpinned.Kill(entireProcessTree: true);
            await unpinned.WaitForExitAsync();
        }

        var plaintext = await CliProcess.RunAsync(new Dictionary<string, string> { ["Agents__Cluster__ConnectTimeoutSeconds"] = "5" }, TimeSpan.FromMinutes(2),
            "batch", "--input", input, "--strategy", "sc", "--k", "2", "--output", Path.Combine(_dir.FullName, "plaintext.jsonl"), "--cluster", cluster, "--job", "job-plaintext");
        output.WriteLine(plaintext.Text);
        output.WriteLine($"refused clients done at {clock.Elapsed.TotalSeconds:F1} s");
        Assert.NotEqual(ExitCodes.Ok, plaintext.Exit);
        Assert.Contains("error: cannot reach the cluster: no gateway of the cluster", plaintext.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", plaintext.Text, StringComparison.Ordinal);

        // A pinned client certificate past its expiry date: the gateway refuses it (the client here skips its own check).
        var options = new AgentsClusterOptions { Redis = redis.Endpoint, TlsSiloThumbprints = [AgentsTls.Sha256(siloCert)] };
        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            var attempt = ClientAsync(options, expired, giveUp.Token);
            await Eventually.TrueAsync(() => (siloA.Log + siloB.Log).Contains("CN=agents-client-expired", StringComparison.Ordinal)
                    && (siloA.Log + siloB.Log).Contains("expired on", StringComparison.Ordinal),
                TimeSpan.FromMinutes(3), "a gateway logging the expired client certificate");
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var host = await attempt;
            });
        }

        output.WriteLine($"expired client refused at {clock.Elapsed.TotalSeconds:F1} s");

        // The client certificate cannot act as a silo, even where its holder lists it as a silo certificate: the
        // silos' silo ports accept silo certificates only, and it never joins.
        string[] rogueTls =
        [
            $"--Agents:Cluster:TlsCertificate={clientPfx}",
            $"--Agents:Cluster:TlsSiloThumbprints:0={AgentsTls.Sha256(siloCert)}",
            $"--Agents:Cluster:TlsSiloThumbprints:1={AgentsTls.Sha256(clientCert)}",
            $"--Agents:Cluster:TlsClientThumbprints:0={AgentsTls.Sha256(stranger)}",
        ];
        await using var rogue = SiloProcess.Launch("rogue", redis.Endpoint, "agents", cpu, rogueTls, secret);
        await Eventually.TrueAsync(
            () => (siloA.Log + siloB.Log).Contains($"refused on the silo port (inbound from a silo): certificate CN=agents-client (SHA-256 {AgentsTls.Sha256(clientCert)}) is not pinned", StringComparison.Ordinal),
            TimeSpan.FromMinutes(3), "a silo refusing the client certificate on its silo port");
        output.WriteLine($"rogue silo refused at {clock.Elapsed.TotalSeconds:F1} s");
        using (var good = await ClientAsync(options, clientCert))
        {
            var active = await good.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, active.Count);
        }

        Assert.DoesNotContain(Password, siloA.Log + siloB.Log + batch.Text, StringComparison.Ordinal);
        output.WriteLine(
            $"figure: tls cluster: batch 20/20 ok over 2 silos with a client certificate; refused: unpinned client, expired client, plaintext client, " +
            $"client certificate as a silo (rogue exited: {rogue.HasExited})");
    }

    [RedisFact]
    public async Task Batch_OverRedissWithAPrivateCa_Completes_AClientWithoutTheCaCannotConnect()
    {
        // Redis speaking TLS only, with a self-signed certificate for 127.0.0.1 that no system store trusts.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=agents-redis", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePem = Path.Combine(_dir.FullName, "redis.crt");
        var keyPem = Path.Combine(_dir.FullName, "redis.key");
        await File.WriteAllTextAsync(certificatePem, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPem, key.ExportPkcs8PrivateKeyPem());
        await using var redis = await RedisServer.StartTlsAsync(certificatePem, keyPem);
        var cluster = $"rediss://{redis.Endpoint}";

        await using var silo = await SiloProcess.StartAsync("r", cluster, "agents", new Dictionary<string, string> { ["role"] = "cpu" },
            [$"--Agents:Cluster:RedisTlsCaCertificate={certificatePem}"]);
        var input = Path.Combine(_dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(10, seed: 29)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(_dir.FullName, "r.jsonl");
        var trusting = new Dictionary<string, string> { ["Agents__Cluster__RedisTlsCaCertificate"] = certificatePem };
        var untrusting = new Dictionary<string, string> { ["Agents__Cluster__ConnectTimeoutSeconds"] = "5" };
        var runs = await Task.WhenAll(
            CliProcess.RunAsync(trusting, null, "batch", "--input", input, "--strategy", "cot", "--output", results, "--cluster", cluster, "--job", "job-rediss"),
            CliProcess.RunAsync(untrusting, TimeSpan.FromMinutes(2), "cluster", "status", "--cluster", cluster));
        output.WriteLine(runs[0].Text);
        output.WriteLine(runs[1].Text);

        Assert.Equal(ExitCodes.Ok, runs[0].Exit);
        var rows = OutputFile.ReadAndRepair(results);
        Assert.Equal(10, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.NotEqual(ExitCodes.Ok, runs[1].Exit);
    }

    [RedisFact]
    public async Task Silo_NonLoopbackAddressWithoutTls_RefusesToStartWithTheReason()
    {
        await using var redis = await RedisServer.StartAsync();
        // 192.0.2.0/24 is a documentation range: the refusal comes before the silo binds anything.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(
            "exposed", redis.Endpoint, "agents", new Dictionary<string, string>(), ["--Agents:Cluster:AdvertisedAddress=192.0.2.10"]));

        output.WriteLine(ex.Message);
        Assert.Contains("exited: True", ex.Message, StringComparison.Ordinal);
        Assert.Contains("error: the silo's advertised address 192.0.2.10 is not loopback and Agents:Cluster:TlsCertificate is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Agents:Cluster:AllowPlaintextNonLoopback=true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaintextExposure_NonLoopbackWithoutTls_RefusedUnlessTlsOrOverride()
    {
        var loopback = new EndpointOptions { AdvertisedIPAddress = IPAddress.Loopback, SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, 11111) };
        var pod = new EndpointOptions { AdvertisedIPAddress = IPAddress.Parse("10.1.2.3") };
        var anyInterface = new EndpointOptions { AdvertisedIPAddress = IPAddress.Loopback, GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, 30000) };

        Assert.Null(AgentsTls.PlaintextExposure(loopback, new AgentsClusterOptions()));
        Assert.StartsWith("the silo's advertised address 10.1.2.3 is not loopback", AgentsTls.PlaintextExposure(pod, new AgentsClusterOptions()), StringComparison.Ordinal);
        Assert.StartsWith("the silo's gateway listening address 0.0.0.0 is not loopback", AgentsTls.PlaintextExposure(anyInterface, new AgentsClusterOptions()), StringComparison.Ordinal);
        Assert.Null(AgentsTls.PlaintextExposure(pod, new AgentsClusterOptions { AllowPlaintextNonLoopback = true }));
        Assert.Null(AgentsTls.PlaintextExposure(pod, new AgentsClusterOptions { TlsCertificate = "/etc/agents/silo.pfx" }));
    }

    [Fact]
    public void Refusal_PinnedBySha256_WithinValidity_ChainErrorsOfASelfSignedCertificateAllowed()
    {
        using var cluster = SelfSigned("CN=agents-silo");
        using var stranger = SelfSigned("CN=agents-silo");
        using var expired = SelfSigned("CN=old", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var now = DateTimeOffset.UtcNow;
        var pins = AgentsTls.ParsePins([AgentsTls.Sha256(cluster).ToLowerInvariant(), Colons(AgentsTls.Sha256(expired))], "TlsSiloThumbprints");

        Assert.True(AgentsTls.IsTrusted(cluster, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, pins, now));
        Assert.Equal($"certificate CN=agents-silo (SHA-256 {AgentsTls.Sha256(stranger)}) is not pinned for this connection", AgentsTls.Refusal(stranger, SslPolicyErrors.None, pins, now));
        Assert.StartsWith($"certificate CN=old (SHA-256 {AgentsTls.Sha256(expired)}) expired on ", AgentsTls.Refusal(expired, SslPolicyErrors.None, pins, now), StringComparison.Ordinal);
        Assert.Equal("no certificate presented", AgentsTls.Refusal(null, SslPolicyErrors.RemoteCertificateNotAvailable, pins, now));
        // The same certificate, before it is valid.
        Assert.StartsWith("certificate CN=agents-silo", AgentsTls.Refusal(cluster, SslPolicyErrors.None, pins, now.AddDays(-2)), StringComparison.Ordinal);
        Assert.Contains("is not valid before", AgentsTls.Refusal(cluster, SslPolicyErrors.None, pins, now.AddDays(-2)), StringComparison.Ordinal);
    }

    [Fact]
    public void Trust_SeparateForSilosAndClients_SettingsThatMixThemRefused()
    {
        using var silo = SelfSigned("CN=agents-silo");
        using var client = SelfSigned("CN=agents-client");
        string siloPin = AgentsTls.Sha256(silo), clientPin = AgentsTls.Sha256(client);

        var trust = AgentsTls.SiloTrust(silo, new AgentsClusterOptions { TlsClientThumbprints = [clientPin] });
        Assert.Equal([siloPin], trust.Silos);
        Assert.Equal([clientPin], trust.Clients);
        Assert.Equal([siloPin], AgentsTls.ClientTrust(client, new AgentsClusterOptions { TlsSiloThumbprints = [siloPin] }).Silos);

        string Refused(Action configure) => Assert.Throws<InvalidOperationException>(configure).Message;
        Assert.Contains("TlsClientThumbprints is empty", Refused(() => AgentsTls.SiloTrust(silo, new AgentsClusterOptions())), StringComparison.Ordinal);
        Assert.Contains("is in both Agents:Cluster:TlsSiloThumbprints and Agents:Cluster:TlsClientThumbprints",
            Refused(() => AgentsTls.SiloTrust(silo, new AgentsClusterOptions { TlsSiloThumbprints = [siloPin, clientPin], TlsClientThumbprints = [clientPin] })), StringComparison.Ordinal);
        Assert.Contains("does not list this silo's own certificate",
            Refused(() => AgentsTls.SiloTrust(client, new AgentsClusterOptions { TlsSiloThumbprints = [siloPin], TlsClientThumbprints = [clientPin] })), StringComparison.Ordinal);
        Assert.Contains("TlsSiloThumbprints is empty", Refused(() => AgentsTls.ClientTrust(client, new AgentsClusterOptions())), StringComparison.Ordinal);
        Assert.Contains("is a silo certificate", Refused(() => AgentsTls.ClientTrust(silo, new AgentsClusterOptions { TlsSiloThumbprints = [siloPin] })), StringComparison.Ordinal);
        Assert.Equal("Agents:Cluster:TlsSiloThumbprints:0 is not a SHA-256 thumbprint: 64 hex digits expected, got 40 (that is a SHA-1 thumbprint; pins are SHA-256)",
            Refused(() => AgentsTls.ParsePins([silo.Thumbprint], "TlsSiloThumbprints")));
    }

    [Fact]
    public void LoadCertificate_WrongPasswordMissingFileOrExpired_NamesTheFileAndTheReason()
    {
        var path = Path.Combine(_dir.FullName, "c.pfx");
        using (var cert = SelfSigned("CN=x"))
        {
            File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, "other-password"));
        }

        var old = Path.Combine(_dir.FullName, "old.pfx");
        using (var cert = SelfSigned("CN=old", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1)))
        {
            File.WriteAllBytes(old, cert.Export(X509ContentType.Pfx));
        }

        var missing = Assert.Throws<InvalidOperationException>(() => AgentsTls.LoadCertificate(new AgentsClusterOptions { TlsCertificate = path + ".nope" }));
        var wrong = Assert.Throws<InvalidOperationException>(() => AgentsTls.LoadCertificate(new AgentsClusterOptions { TlsCertificate = path }));
        var expired = Assert.Throws<InvalidOperationException>(() => AgentsTls.LoadCertificate(new AgentsClusterOptions { TlsCertificate = old }));

        Assert.Contains($"{path}.nope not found", missing.Message, StringComparison.Ordinal);
        Assert.Contains(path, wrong.Message, StringComparison.Ordinal);
        Assert.Contains(AgentsClusterOptions.TlsPasswordVariable, wrong.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Agents:Cluster:TlsCertificate: {old} expired on ", expired.Message, StringComparison.Ordinal);
        Assert.Null(AgentsTls.LoadCertificate(new AgentsClusterOptions()));
    }

    private string Save(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    private static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));

    // An in-process client through the same TLS composition as the CLI, holding a certificate given directly (so a test
    // can present one the CLI would refuse to load, e.g. an expired one).
    private static Task<IHost> ClientAsync(AgentsClusterOptions options, X509Certificate2 certificate, CancellationToken cancellationToken = default) =>
        ClusterClientHost.StartAsync(
            client =>
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = options.RedisConfiguration());
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                AgentsTls.UseAgentsTls(client, certificate, options);
            },
            cancellationToken: cancellationToken);

    private static X509Certificate2 SelfSigned(string subject, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
    }
}
