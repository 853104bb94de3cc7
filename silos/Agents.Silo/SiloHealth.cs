using Orleans.Runtime;

namespace Agents.Silo;

/// <summary>The silo's health routes (see <see cref="Agents.Hosting.AgentsHealthOptions"/>).</summary>
internal static class SiloHealth
{
    /// <summary>Maps <c>/health/live</c>, <c>/health/ready</c> and <c>/health</c> (= ready) on the given port only.</summary>
    public static void MapSiloHealth(this WebApplication app, int port)
    {
        var host = $"*:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        app.MapGet("/health/live", () => Results.Text("live\n")).RequireHost(host);
        app.MapGet("/health/ready", Ready).RequireHost(host);
        app.MapGet("/health", Ready).RequireHost(host);
    }

    private static IResult Ready(IClusterMembershipService membership, ILocalSiloDetails local)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return status == SiloStatus.Active
            ? Results.Text("ready\n")
            : Results.Text($"silo is {status}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
