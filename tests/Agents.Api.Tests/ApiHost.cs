using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agents.Api.Tests;

/// <summary>
/// The real HTTP host, composed exactly as Program.cs composes it (embedded silo, keys, rate limits, gateway), on a
/// free loopback port, with settings given by the test.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The OpenAI base URL (<c>…/v1</c>).</summary>
    public Uri V1 => new(Address, "v1");

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host with these settings (keys, limits, μ and σ) on a free port.</summary>
    public static async Task<ApiHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--port", "0"], EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        var app = builder.AddAgentsApi().Build().MapAgentsApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>An HTTP client for the host, with a bearer key when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(3) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One host shared by the gateway tests: three keys, μ and σ configured, a rate limit only a flood reaches.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    /// <summary>The key most tests use.</summary>
    public const string Key = "test-key-one";

    /// <summary>A second key, served while <see cref="FloodKey"/> is limited.</summary>
    public const string OtherKey = "test-key-two";

    /// <summary>The key the rate-limit test floods.</summary>
    public const string FloodKey = "test-key-three";

    /// <summary>Requests one key may make per window.</summary>
    public const int PermitLimit = 100;

    /// <summary>MAgICoRe's μ and σ the host is configured with.</summary>
    public const double Mu = 1.077, Sigma = 0.547;

    private ApiHost? _host;

    public ApiHost Host => _host ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["AGENTS_API_KEYS"] = $"{Key},{OtherKey},{FloodKey}",
        ["Agents:Api:RateLimit:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Agents:Api:RateLimit:Window"] = "01:00:00",
        ["Agents:Api:Magicore:Mu"] = Mu.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["Agents:Api:Magicore:Sigma"] = Sigma.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["Agents:Api:Heartbeat"] = "00:00:00.050",
    });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
