using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Agents.Hosting;

/// <summary>
/// The silo's HTTP health endpoint; bound from the <c>Agents:Health</c> configuration section. Off unless a port is set.
/// <c>GET /health/live</c> answers 200 while the process serves requests; <c>GET /health/ready</c> (and <c>/health</c>)
/// answers 200 only while this silo is Active in the cluster's membership, 503 otherwise.
/// </summary>
public sealed class AgentsHealthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agents:Health";

    /// <summary>The HTTP port; 0 (default) = no health endpoint.</summary>
    public int Port { get; set; }

    /// <summary>The address it listens on; loopback by default (a pod sets <c>0.0.0.0</c> so the kubelet can probe it).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>True when a port is set.</summary>
    public bool Enabled => Port > 0;

    /// <summary>The URL Kestrel listens on, e.g. <c>http://0.0.0.0:8081</c>.</summary>
    public string Url => IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
        ? $"http://[{ip}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"http://{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads the options from configuration.</summary>
    public static AgentsHealthOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AgentsHealthOptions>() ?? new AgentsHealthOptions();
}
