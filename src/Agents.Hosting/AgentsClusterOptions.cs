using Microsoft.Extensions.Configuration;
using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Agents.Hosting;

/// <summary>How a silo or client joins a cluster; bound from the <c>Agents:Cluster</c> configuration section.</summary>
public sealed class AgentsClusterOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agents:Cluster";

    /// <summary>Environment variable holding the Redis password (never in configuration files or logs).</summary>
    public const string RedisPasswordVariable = "AGENTS_REDIS_PASSWORD";

    /// <summary>The cluster's Redis (<c>redis://HOST:PORT</c> or <c>HOST:PORT</c>); empty = embedded mode.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// For <c>rediss://</c>: a certificate file (PEM or DER) of the CA that issued the Redis server's certificate, or that
    /// self-signed certificate itself, trusted in addition to the system's CAs (a private Redis needs no public CA).
    /// </summary>
    public string? RedisTlsCaCertificate { get; set; }

    /// <summary>Orleans cluster id; silos and clients must agree.</summary>
    [Required]
    public string ClusterId { get; set; } = "agents";

    /// <summary>Orleans service id; prefixes every Redis key.</summary>
    [Required]
    public string ServiceId { get; set; } = "agents";

    /// <summary>Silo-to-silo port.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Environment variable holding the password of <see cref="TlsCertificate"/> (never in configuration files or logs).</summary>
    public const string TlsPasswordVariable = "AGENTS_TLS_CERTIFICATE_PASSWORD";

    /// <summary>
    /// A PKCS#12 (.pfx/.p12) certificate with its private key: when set, silo-to-silo and client-to-gateway connections
    /// use TLS with it. A silo presents it to other silos and to clients; a client presents it to gateways. Silos and
    /// clients hold different certificates: see <see cref="TlsSiloThumbprints"/> and <see cref="TlsClientThumbprints"/>.
    /// </summary>
    public string? TlsCertificate { get; set; }

    /// <summary>
    /// SHA-256 thumbprints (64 hex digits) of the certificates silos present. A silo accepts a connection on its silo port,
    /// and dials another silo, only when the remote certificate is one of these; a client accepts a gateway only when it
    /// presents one of these. Empty on a silo = its own certificate (one certificate shared by every silo); a client
    /// must list them.
    /// </summary>
    public IList<string> TlsSiloThumbprints { get; set; } = [];

    /// <summary>
    /// SHA-256 thumbprints of the certificates clients (the CLI, the HTTP API) present to gateways. A gateway accepts no
    /// other certificate; a thumbprint may not be in both lists, so a client certificate can never act as a silo.
    /// </summary>
    public IList<string> TlsClientThumbprints { get; set; } = [];

    /// <summary>
    /// Lets a silo listen on, or advertise, an address other than loopback without TLS. Off by default: a silo port or a
    /// gateway reachable from the network without TLS lets anyone who reaches it join as a silo or act as a client.
    /// Turn it on only where something else protects the traffic (a service mesh with mutual TLS, a private link).
    /// </summary>
    public bool AllowPlaintextNonLoopback { get; set; }

    /// <summary>
    /// How long a grain call made inside a silo (job → run, run → agent, league → game, agent → inference replica) may
    /// take before it times out. Orleans' default of 30 s is far too short for a run phase or a model call on a real
    /// model (k samples of a 70B model can take minutes); a silo that dies is detected by membership, not by this
    /// timeout, and its pending calls fail at once. Clients keep Orleans' default for their own calls.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The address other silos reach this one on (default 127.0.0.1).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The cluster provider (<see cref="AgentsClusterProviders"/>: <c>Localhost</c> or <c>Redis</c>); unset: <c>Redis</c> when
    /// <see cref="Redis"/> is set, else <c>Localhost</c>.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>The provider name in effect (see <see cref="Provider"/>).</summary>
    public string EffectiveProvider =>
        !string.IsNullOrWhiteSpace(Provider) ? Provider.Trim() : IsCluster ? AgentsClusterProviders.Redis : AgentsClusterProviders.Localhost;

    /// <summary>True when a Redis connection is configured.</summary>
    public bool IsCluster => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>StackExchange.Redis options for <see cref="Redis"/>, with the password from the environment.</summary>
    public ConfigurationOptions RedisConfiguration()
    {
        var options = ConfigurationOptions.Parse(ToEndpoint(Redis ?? throw new InvalidOperationException("no Redis connection configured")));
        var password = Environment.GetEnvironmentVariable(RedisPasswordVariable);
        if (!string.IsNullOrEmpty(password))
        {
            options.Password = password;
        }

        if (!string.IsNullOrWhiteSpace(RedisTlsCaCertificate))
        {
            if (!File.Exists(RedisTlsCaCertificate))
            {
                throw new InvalidOperationException($"{SectionName}:RedisTlsCaCertificate: {RedisTlsCaCertificate} not found");
            }

            options.TrustIssuer(RedisTlsCaCertificate);
        }

        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>Reads the options from configuration.</summary>
    public static AgentsClusterOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AgentsClusterOptions>() ?? new AgentsClusterOptions();

    /// <summary>
    /// Turns <c>redis://HOST:PORT</c> (or <c>rediss://HOST:PORT</c>, Redis over TLS) into the <c>HOST:PORT[,ssl=true]</c>
    /// form StackExchange.Redis parses. A connection string that carries a credential (<c>password=…</c>,
    /// <c>redis://user:key@host</c>) is refused with a message that does not repeat it: the password comes only from
    /// <see cref="RedisPasswordVariable"/>.
    /// </summary>
    public static string ToEndpoint(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var trimmed = connection.Trim();
        if (Agents.Core.Security.SecretText.LooksSecret(trimmed))
        {
            throw new ArgumentException($"the Redis connection string carries a credential {Agents.Core.Security.SecretText.Withheld}; put the Redis password in {RedisPasswordVariable}, not in the connection string");
        }

        var tls = trimmed.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        if (tls || trimmed.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(trimmed);
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"put the Redis password in {RedisPasswordVariable}, not in the connection string");
            }

            var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
            return tls ? $"{uri.Host}:{port},ssl=true" : $"{uri.Host}:{port}";
        }

        return trimmed;
    }
}
