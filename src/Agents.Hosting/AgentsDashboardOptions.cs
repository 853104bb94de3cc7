using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Agents.Hosting;

/// <summary>The Orleans Dashboard on a silo; bound from the <c>Agents:Dashboard</c> configuration section. Off unless a port is set.</summary>
public sealed class AgentsDashboardOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agents:Dashboard";

    /// <summary>The HTTP port; 0 (default) = no dashboard.</summary>
    public int Port { get; set; }

    /// <summary>The address it listens on; loopback by default, because the dashboard has no authentication.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Whether the dashboard may listen on an address other than loopback (it has no authentication: off by default).</summary>
    public bool AllowNonLoopback { get; set; }

    /// <summary>True when a port is set.</summary>
    public bool Enabled => Port > 0;

    /// <summary>The URL Kestrel listens on, e.g. <c>http://127.0.0.1:8088</c>.</summary>
    public string Url => IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
        ? $"http://[{ip}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"http://{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// <see cref="Url"/>, refusing (<see cref="InvalidOperationException"/>) an address other than loopback unless
    /// <see cref="AllowNonLoopback"/> is set: the dashboard shows the cluster's grains to whoever reaches it.
    /// </summary>
    public string CheckedUrl()
    {
        var loopback = string.Equals(Address, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && !AllowNonLoopback)
        {
            throw new InvalidOperationException(
                $"{SectionName}:Address {Address} is not a loopback address and the dashboard has no authentication; " +
                $"keep it on 127.0.0.1 (reach it through an SSH tunnel), or set {SectionName}:AllowNonLoopback=true to accept the exposure");
        }

        return Url;
    }

    /// <summary>Reads the options from configuration.</summary>
    public static AgentsDashboardOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AgentsDashboardOptions>() ?? new AgentsDashboardOptions();
}
