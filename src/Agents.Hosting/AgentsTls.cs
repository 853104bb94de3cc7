using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Agents.Hosting;

/// <summary>
/// Silo-to-silo and client-to-gateway TLS from <see cref="AgentsClusterOptions.TlsCertificate"/>: both ends present the
/// certificate and accept a remote end only when its certificate's thumbprint is trusted (pinning, so a self-signed
/// cluster certificate works without a CA and any other certificate is refused).
/// </summary>
public static class AgentsTls
{
    /// <summary>Loads the certificate (password from <see cref="AgentsClusterOptions.TlsPasswordVariable"/>), or null when TLS is off.</summary>
    /// <exception cref="InvalidOperationException">The file is missing, unreadable or has no private key; the message names the file.</exception>
    public static X509Certificate2? LoadCertificate(AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.TlsCertificate))
        {
            return null;
        }

        var path = options.TlsCertificate;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{AgentsClusterOptions.SectionName}:TlsCertificate: {path} not found");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Environment.GetEnvironmentVariable(AgentsClusterOptions.TlsPasswordVariable));
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                $"{AgentsClusterOptions.SectionName}:TlsCertificate: {path} is not a PKCS#12 certificate this password opens ({ex.Message.Trim()}); the password comes from {AgentsClusterOptions.TlsPasswordVariable}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{AgentsClusterOptions.SectionName}:TlsCertificate: {path} has no private key");
        }

        return certificate;
    }

    /// <summary>Requires a remote certificate and accepts only trusted thumbprints.</summary>
    public static void Configure(TlsOptions tls, X509Certificate2 certificate, AgentsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(options);
        var trusted = options.TlsTrustedThumbprints.Count > 0
            ? options.TlsTrustedThumbprints.Select(Normalize).ToHashSet(StringComparer.Ordinal)
            : [Normalize(certificate.Thumbprint)];
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, errors) => IsTrusted(remote, errors, trusted);
    }

    /// <summary>A remote certificate is accepted when present and pinned; chain and name errors are expected for a self-signed cluster certificate.</summary>
    public static bool IsTrusted(X509Certificate2? remote, SslPolicyErrors errors, IReadOnlySet<string> trustedThumbprints)
    {
        ArgumentNullException.ThrowIfNull(trustedThumbprints);
        return remote is not null
            && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
            && trustedThumbprints.Contains(Normalize(remote.Thumbprint));
    }

    private static string Normalize(string thumbprint) => thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
