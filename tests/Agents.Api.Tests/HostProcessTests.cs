using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Agents.Api.Tests;

/// <summary>The host as a real process: what it prints, and what it refuses.</summary>
public sealed class HostProcessTests
{
    [Fact]
    public async Task Host_Port_PrintsListeningAndAnswersHealth()
    {
        var port = FreePort.Next();
        using var process = CliProcess.StartProgram("dotnet", [CliProcess.ApiDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            string? line;
            var expected = $"listening on http://127.0.0.1:{port}";
            do
            {
                line = await process.StandardOutput.ReadLineAsync();
            }
            while (line is not null && line != expected);

            Assert.Equal(expected, line);
            using var http = new HttpClient();
            var health = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/health");
            Assert.Equal(("ok", 1), (health.GetProperty("status").GetString(), health.GetProperty("silos").GetInt32()));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Host_NonLoopbackWithoutKeys_RefusesToStart()
    {
        var (exit, output, errors) = await CliProcess.RunProgramAsync(
            "dotnet", [CliProcess.ApiDll, "--urls", $"http://0.0.0.0:{FreePort.Next()}"],
            environment: new Dictionary<string, string> { ["AGENTS_API_KEYS"] = "" }, limit: TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.Contains("refusing to listen on http://0.0.0.0:", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_NonLoopbackPlainHttpEvenWithKeys_RefusesToStartWithoutTls()
    {
        var (exit, output, errors) = await CliProcess.RunProgramAsync(
            "dotnet", [CliProcess.ApiDll, "--urls", $"http://0.0.0.0:{FreePort.Next()}"],
            environment: new Dictionary<string, string> { ["AGENTS_API_KEYS"] = "k1" }, limit: TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.Contains("error: refusing to listen on http://0.0.0.0:", errors, StringComparison.Ordinal);
        Assert.Contains("without TLS", errors, StringComparison.Ordinal);
        Assert.Contains("Agents:Api:AllowPlaintextNonLoopback=true", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_Https_ServesWithTheConfiguredCertificate()
    {
        var dir = Directory.CreateTempSubdirectory("agents-api-tls-");
        try
        {
            using var certificate = SelfSigned(DateTimeOffset.UtcNow.AddDays(30));
            var pfx = Path.Combine(dir.FullName, "api.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "api-pass"));
            var port = FreePort.Next();
            using var process = CliProcess.StartProgram("dotnet", [CliProcess.ApiDll, "--urls", $"https://127.0.0.1:{port}"], environment: new Dictionary<string, string>
            {
                ["Kestrel__Certificates__Default__Path"] = pfx,
                ["Kestrel__Certificates__Default__Password"] = "api-pass",
            });
            try
            {
                string? line;
                var expected = $"listening on https://127.0.0.1:{port}";
                do
                {
                    line = await process.StandardOutput.ReadLineAsync();
                }
                while (line is not null && line != expected);

                Assert.Equal(expected, line);
                string? presented = null;
                using var handler = new HttpClientHandler
                {
                    // Pinned by SHA-256, as a client of a self-signed endpoint would.
                    ServerCertificateCustomValidationCallback = (_, remote, _, _) =>
                    {
                        presented = remote?.GetCertHashString(HashAlgorithmName.SHA256);
                        return presented == certificate.GetCertHashString(HashAlgorithmName.SHA256);
                    },
                };
                using var http = new HttpClient(handler);
                var health = await http.GetFromJsonAsync<JsonElement>($"https://127.0.0.1:{port}/health");
                Assert.Equal("ok", health.GetProperty("status").GetString());
                Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), presented);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TransportProblem_HttpsWithoutOrWithAnExpiredCertificate_NamesTheSetting()
    {
        var dir = Directory.CreateTempSubdirectory("agents-api-tls-");
        try
        {
            var expired = Path.Combine(dir.FullName, "old.pfx");
            using (var certificate = SelfSigned(DateTimeOffset.UtcNow.AddDays(-1)))
            {
                File.WriteAllBytes(expired, certificate.Export(X509ContentType.Pfx));
            }

            static IConfiguration Settings(string? path) => new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path }).Build();
            var now = DateTimeOffset.UtcNow;

            Assert.Null(ApiHostingExtensions.TransportProblem(Settings(null), ["http://127.0.0.1:8080"], allowPlaintext: false, now));
            Assert.Null(ApiHostingExtensions.TransportProblem(Settings(null), ["http://0.0.0.0:8080"], allowPlaintext: true, now));
            Assert.StartsWith("refusing to listen on http://10.0.0.4:8080 without TLS",
                ApiHostingExtensions.TransportProblem(Settings(null), ["http://127.0.0.1:8080", "http://10.0.0.4:8080"], allowPlaintext: false, now), StringComparison.Ordinal);
            Assert.StartsWith("an https:// listener needs a server certificate: set Kestrel:Certificates:Default:Path",
                ApiHostingExtensions.TransportProblem(Settings(null), ["https://0.0.0.0:8443"], allowPlaintext: false, now), StringComparison.Ordinal);
            Assert.StartsWith($"Kestrel:Certificates:Default:Path: {expired} expired on ",
                ApiHostingExtensions.TransportProblem(Settings(expired), ["https://0.0.0.0:8443"], allowPlaintext: false, now), StringComparison.Ordinal);
            Assert.Equal($"Kestrel:Certificates:Default:Path: {expired}.nope not found",
                ApiHostingExtensions.TransportProblem(Settings(expired + ".nope"), ["https://0.0.0.0:8443"], allowPlaintext: false, now));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned(DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(notAfter.AddDays(-60), notAfter);
    }
}
