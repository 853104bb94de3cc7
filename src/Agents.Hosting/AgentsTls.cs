using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Agents.Hosting;

/// <summary>Which certificates a process accepts from the other end, by connection kind (SHA-256 thumbprints, upper-case hex).</summary>
/// <param name="Silos">Certificates accepted as a silo: on the silo port, when dialling a silo, and from a gateway.</param>
/// <param name="Clients">Certificates a gateway accepts from clients (empty on a client).</param>
public sealed record ClusterTrust(IReadOnlySet<string> Silos, IReadOnlySet<string> Clients);

/// <summary>
/// TLS between silos and from clients to gateways, from <see cref="AgentsClusterOptions.TlsCertificate"/>. Trust is by
/// pinned SHA-256 thumbprint, with the validity period checked (a pinned self-signed certificate needs no CA), and it is
/// split by connection kind: the silo port accepts only silo certificates, a gateway only client certificates, and a
/// client accepts only a gateway presenting a silo certificate. A certificate may not be trusted as both, so a client
/// certificate cannot join as a silo, and a client may not hold a silo certificate.
/// </summary>
public static class AgentsTls
{
    private const string Section = AgentsClusterOptions.SectionName;

    /// <summary>Loads the certificate (password from <see cref="AgentsClusterOptions.TlsPasswordVariable"/>), or null when TLS is off.</summary>
    /// <exception cref="InvalidOperationException">
    /// The file is missing, unreadable, has no private key, or is outside its validity period at <paramref name="now"/>;
    /// the message names the file.
    /// </exception>
    public static X509Certificate2? LoadCertificate(AgentsClusterOptions options, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.TlsCertificate))
        {
            return null;
        }

        var path = options.TlsCertificate;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Section}:TlsCertificate: {path} not found");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Environment.GetEnvironmentVariable(AgentsClusterOptions.TlsPasswordVariable));
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                $"{Section}:TlsCertificate: {path} is not a PKCS#12 certificate this password opens ({ex.Message.Trim()}); the password comes from {AgentsClusterOptions.TlsPasswordVariable}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{Section}:TlsCertificate: {path} has no private key");
        }

        if (ValidityProblem(certificate, now ?? DateTimeOffset.UtcNow) is { } problem)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{Section}:TlsCertificate: {path} {problem}");
        }

        return certificate;
    }

    /// <summary>The certificate's SHA-256 thumbprint as 64 upper-case hex digits (what the pins list).</summary>
    public static string Sha256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256).ToUpperInvariant();
    }

    /// <summary>Parses a pin list: each entry 64 hex digits (colons and spaces allowed); the message names the key and entry.</summary>
    /// <exception cref="InvalidOperationException">An entry is not a SHA-256 thumbprint.</exception>
    public static IReadOnlySet<string> ParsePins(IEnumerable<string> pins, string key)
    {
        ArgumentNullException.ThrowIfNull(pins);
        var parsed = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var pin in pins)
        {
            var normalized = Normalize(pin ?? string.Empty);
            if (normalized.Length != 64 || !normalized.All(char.IsAsciiHexDigit))
            {
                var hint = normalized.Length == 40 ? " (that is a SHA-1 thumbprint; pins are SHA-256)" : string.Empty;
                throw new InvalidOperationException(
                    $"{Section}:{key}:{index.ToString(CultureInfo.InvariantCulture)} is not a SHA-256 thumbprint: 64 hex digits expected, got {normalized.Length}{hint}");
            }

            parsed.Add(normalized);
            index++;
        }

        return parsed;
    }

    /// <summary>
    /// A silo's trust: silo pins (default: its own certificate), client pins (required), none in both, its own
    /// certificate among the silo pins.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lists break one of these rules; the message names the setting.</exception>
    public static ClusterTrust SiloTrust(X509Certificate2 own, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(options);
        var ownPin = Sha256(own);
        var silos = options.TlsSiloThumbprints.Count > 0
            ? ParsePins(options.TlsSiloThumbprints, nameof(options.TlsSiloThumbprints))
            : new HashSet<string>(StringComparer.Ordinal) { ownPin };
        var clients = ParsePins(options.TlsClientThumbprints, nameof(options.TlsClientThumbprints));
        if (!silos.Contains(ownPin))
        {
            throw new InvalidOperationException(
                $"{Section}:TlsSiloThumbprints does not list this silo's own certificate (SHA-256 {ownPin}); other silos would refuse it");
        }

        if (clients.Count == 0)
        {
            throw new InvalidOperationException(
                $"{Section}:TlsClientThumbprints is empty: with TLS on, a gateway accepts only the client certificates listed there (SHA-256 thumbprints)");
        }

        if (clients.FirstOrDefault(silos.Contains) is { } both)
        {
            throw new InvalidOperationException(
                $"certificate SHA-256 {both} is in both {Section}:TlsSiloThumbprints and {Section}:TlsClientThumbprints; " +
                "give clients their own certificate, so a client certificate cannot act as a silo");
        }

        return new ClusterTrust(silos, clients);
    }

    /// <summary>A client's trust: the silo pins (required), which must not include the client's own certificate.</summary>
    /// <exception cref="InvalidOperationException">No silo pins, or the client holds a silo certificate.</exception>
    public static ClusterTrust ClientTrust(X509Certificate2 own, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(options);
        var silos = ParsePins(options.TlsSiloThumbprints, nameof(options.TlsSiloThumbprints));
        if (silos.Count == 0)
        {
            throw new InvalidOperationException(
                $"{Section}:TlsSiloThumbprints is empty: a client accepts a gateway only when it presents a silo certificate listed there (SHA-256 thumbprints)");
        }

        var ownPin = Sha256(own);
        if (silos.Contains(ownPin))
        {
            throw new InvalidOperationException(
                $"{Section}:TlsCertificate is a silo certificate (SHA-256 {ownPin} is in TlsSiloThumbprints); clients hold a client certificate, never a silo's");
        }

        return new ClusterTrust(silos, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>
    /// A remote certificate is accepted when present, pinned and within its validity period at <paramref name="now"/>;
    /// chain and name errors are expected for a pinned self-signed certificate and do not matter.
    /// </summary>
    public static bool IsTrusted(X509Certificate2? remote, SslPolicyErrors errors, IReadOnlySet<string> pins, DateTimeOffset now) =>
        Refusal(remote, errors, pins, now) is null;

    /// <summary>Why a remote certificate is refused, or null when it is accepted (see <see cref="IsTrusted"/>).</summary>
    public static string? Refusal(X509Certificate2? remote, SslPolicyErrors errors, IReadOnlySet<string> pins, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pins);
        if (remote is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "no certificate presented";
        }

        var pin = Sha256(remote);
        if (!pins.Contains(pin))
        {
            return $"certificate {remote.Subject} (SHA-256 {pin}) is not pinned for this connection";
        }

        return ValidityProblem(remote, now) is { } problem ? $"certificate {remote.Subject} (SHA-256 {pin}) {problem}" : null;
    }

    /// <summary>
    /// Silo TLS: the silo port (inbound and outbound) trusts <see cref="ClusterTrust.Silos"/>, the gateway trusts the
    /// client pins of <paramref name="options"/>; refusals are logged with the reason.
    /// </summary>
    public static void UseAgentsTls(ISiloBuilder silo, X509Certificate2 certificate, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var trust = SiloTrust(certificate, options);
        silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(b => b.UseServerTls(Options(b, certificate, trust.Silos, "silo port (inbound from a silo)")));
            connections.ConfigureSiloOutboundConnection(b => b.UseClientTls(Options(b, certificate, trust.Silos, "silo port (dialling a silo)")));
            connections.ConfigureGatewayInboundConnection(b => b.UseServerTls(Options(b, certificate, trust.Clients, "gateway (inbound from a client)")));
        });
    }

    /// <summary>Client TLS: presents the client certificate and accepts only a gateway presenting a pinned silo certificate.</summary>
    public static void UseAgentsTls(IClientBuilder client, X509Certificate2 certificate, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        var trust = ClientTrust(certificate, options);
        client.Configure<ClientConnectionOptions>(connections =>
            connections.ConfigureConnection(b => b.UseClientTls(Options(b, certificate, trust.Silos, "gateway (dialled by this client)"))));
    }

    private static TlsOptions Options(IConnectionBuilder builder, X509Certificate2 certificate, IReadOnlySet<string> pins, string connection)
    {
        var log = builder.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(AgentsTls)) ?? NullLogger.Instance;
        var time = builder.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return new TlsOptions
        {
            LocalCertificate = certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (remote, _, errors) =>
            {
                if (Refusal(remote, errors, pins, time.GetUtcNow()) is not { } reason)
                {
                    return true;
                }

                log.LogWarning("TLS peer refused on the {Connection}: {Reason}", connection, reason);
                return false;
            },
        };
    }

    /// <summary>
    /// Why a silo may not listen where <paramref name="endpoints"/> say without TLS, or null: an address other than
    /// loopback (advertised, or listened on, including "any") needs TLS unless <see cref="AgentsClusterOptions.AllowPlaintextNonLoopback"/>.
    /// </summary>
    public static string? PlaintextExposure(EndpointOptions endpoints, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.TlsCertificate) || options.AllowPlaintextNonLoopback)
        {
            return null;
        }

        var exposed = new[]
            {
                ("advertised address", endpoints.AdvertisedIPAddress),
                ("silo listening address", endpoints.SiloListeningEndpoint?.Address),
                ("gateway listening address", endpoints.GatewayListeningEndpoint?.Address),
            }
            .FirstOrDefault(e => e.Item2 is { } address && !IPAddress.IsLoopback(address));
        return exposed.Item2 is { } open
            ? $"the silo's {exposed.Item1} {open} is not loopback and {Section}:TlsCertificate is not set: silo and gateway ports " +
              $"reachable from the network must use TLS (see docs/operations.md). Set {Section}:TlsCertificate (with " +
              $"TlsSiloThumbprints and TlsClientThumbprints), or set {Section}:AllowPlaintextNonLoopback=true where something " +
              "else protects the traffic"
            : null;
    }

    private static string? ValidityProblem(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
        {
            return string.Create(CultureInfo.InvariantCulture, $"expired on {notAfter:yyyy-MM-dd HH:mm:ss}Z");
        }

        return now < notBefore ? string.Create(CultureInfo.InvariantCulture, $"is not valid before {notBefore:yyyy-MM-dd HH:mm:ss}Z") : null;
    }

    private static string Normalize(string thumbprint) =>
        thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
