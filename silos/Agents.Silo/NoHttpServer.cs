using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Agents.Silo;

/// <summary>
/// The HTTP server of a silo that serves no HTTP endpoint: the one web host runs the silo without opening a port
/// (Kestrel would otherwise bind its default <c>localhost:5000</c>, which clashes between silos on one machine).
/// </summary>
internal sealed class NoHttpServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
