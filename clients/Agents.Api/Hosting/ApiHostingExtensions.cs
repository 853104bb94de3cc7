using System.Globalization;
using System.Net;
using Agents.Api.Gateway;
using Agents.Api.Hosting;
using Agents.Api.Rest;
using Agents.Api.Security;
using Agents.Client;
using Agents.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Configuration;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The HTTP host's composition: an embedded silo (default) or a cluster client (<c>--cluster redis://HOST:PORT</c>),
/// Kestrel on 127.0.0.1:PORT unless <c>--urls</c> says otherwise, keys, rate limits, the gateway and the REST API.
/// </summary>
public static class ApiHostingExtensions
{
    /// <summary>The port when <c>--port</c> is absent.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Adds everything the host serves; throws <see cref="ApiStartupException"/> when the settings are unsafe or invalid.</summary>
    public static WebApplicationBuilder AddAgentsApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
        var keys = new ApiKeys(configuration[ApiOptions.KeysVariable]);
        var urls = ListenUrls(configuration);
        if (!keys.Required && urls.FirstOrDefault(u => !IsLoopback(u)) is { } exposed)
        {
            throw new ApiStartupException(
                $"refusing to listen on {exposed} without API keys: set {ApiOptions.KeysVariable}=KEY[,KEY…] or listen on 127.0.0.1");
        }

        if (TransportProblem(configuration, urls, options.AllowPlaintextNonLoopback, DateTimeOffset.UtcNow) is { } transport)
        {
            throw new ApiStartupException(transport);
        }

        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServedModels>();
        builder.Services.AddSingleton<RefinementGateway>();
        builder.Services.AddSingleton(sp => new JobClient(sp.GetRequiredService<IGrainFactory>(), time: sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new LeagueClient(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ClusterClient(sp.GetRequiredService<IGrainFactory>()));
        builder.Services.AddSingleton<JobCatalog>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddOpenApi();
        builder.AddApiSecurity(keys, options);
        builder.AddAgentsConnection(configuration["cluster"]);
        builder.AddAgentsTelemetry("agents-api");
        return builder;
    }

    /// <summary>Maps the health check, the gateway, the REST API and the OpenAPI document with its browser at <c>/docs</c>.</summary>
    public static WebApplication MapAgentsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseApiSecurity();
        app.MapGet("/health", HealthAsync).AllowAnonymous().DisableRateLimiting().WithTags("Host");
        app.MapOpenAIGateway();
        app.MapJobs();
        app.MapLeagues();
        app.MapCluster();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"listening on {address}");
            }
        });
        return app;
    }

    /// <summary>The embedded silo (no cluster given) or a client of the cluster's gateways, composed as the CLI composes them.</summary>
    public static IHostApplicationBuilder AddAgentsConnection(this IHostApplicationBuilder builder, string? cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AgentsConnection.Compose(builder, cluster);
        if (!string.IsNullOrWhiteSpace(cluster))
        {
            // A run phase of a real model can take minutes; the host waits as long as a silo's own calls do.
            var callTimeout = AgentsClusterOptions.From(builder.Configuration).CallTimeout;
            builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = callTimeout);
        }

        return builder;
    }

    private static async Task<IResult> HealthAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var silos = await grains.GetGrain<Agents.Contracts.Cluster.IClusterInfoGrain>(0).GetSilosAsync().WaitAsync(timeout.Token);
            return Results.Json(new { status = "ok", silos = silos.Length });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Results.Json(new { status = "unavailable", error = ex.GetType().Name }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static List<string> ListenUrls(ConfigurationManager configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var portText = configuration["port"];
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw new ApiStartupException($"--port must be a number between 0 and 65535, got '{portText}'");
        }

        return [string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")];
    }

    /// <summary>
    /// Why the listeners may not start as configured, or null: a non-loopback listener must be <c>https://</c> (unless
    /// <see cref="ApiOptions.AllowPlaintextNonLoopback"/>), with a server certificate configured, readable and in its
    /// validity period at <paramref name="now"/>.
    /// </summary>
    public static string? TransportProblem(IConfiguration configuration, IEnumerable<string> urls, bool allowPlaintext, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(urls);
        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (!allowPlaintext && exposed.FirstOrDefault(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } plain)
        {
            return $"refusing to listen on {plain} without TLS: use https:// with a certificate (Kestrel:Certificates:Default:Path, " +
                "its password in Kestrel__Certificates__Default__Password), listen on 127.0.0.1, or set " +
                $"{ApiOptions.SectionName}:AllowPlaintextNonLoopback=true behind a proxy that terminates TLS";
        }

        if (!urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        const string key = "Kestrel:Certificates:Default";
        if (configuration[$"{key}:Path"] is not { Length: > 0 } path)
        {
            return $"an https:// listener needs a server certificate: set {key}:Path (a PKCS#12 file, or a PEM file with {key}:KeyPath)";
        }

        if (!File.Exists(path))
        {
            return $"{key}:Path: {path} not found";
        }

        try
        {
            using var certificate = configuration[$"{key}:KeyPath"] is { Length: > 0 } keyPath
                ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(path, keyPath)
                : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, configuration[$"{key}:Password"]);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            return now > notAfter ? string.Create(CultureInfo.InvariantCulture, $"{key}:Path: {path} expired on {notAfter:yyyy-MM-dd HH:mm:ss}Z")
                : now < notBefore ? string.Create(CultureInfo.InvariantCulture, $"{key}:Path: {path} is not valid before {notBefore:yyyy-MM-dd HH:mm:ss}Z")
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return $"{key}:Path: {path} is not a certificate this password and key open ({ex.Message.Trim()})";
        }
    }

    private static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/', 2)[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

}

/// <summary>The host's settings do not allow it to start (e.g. a non-loopback listener without API keys).</summary>
public sealed class ApiStartupException(string message) : Exception(message);
