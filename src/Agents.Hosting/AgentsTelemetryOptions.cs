using Microsoft.Extensions.Configuration;

namespace Agents.Hosting;

/// <summary>Where traces and metrics go; bound from the <c>Agents:Telemetry</c> configuration section.</summary>
public sealed class AgentsTelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agents:Telemetry";

    /// <summary>The standard OpenTelemetry variable, used when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OTLP collector's base URL (e.g. <c>http://127.0.0.1:4317</c>); empty = nothing is exported.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>; unset = <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> or grpc.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>The service name on every span and metric (<c>OTEL_SERVICE_NAME</c> wins when set).</summary>
    public string? ServiceName { get; set; }

    /// <summary>Also export Orleans' own spans (<c>Microsoft.Orleans.*</c>) and metrics (<c>Microsoft.Orleans</c>).</summary>
    public bool Orleans { get; set; } = true;

    /// <summary>How often metrics are exported, in milliseconds.</summary>
    public int MetricsIntervalMs { get; set; } = 10_000;

    /// <summary>True when an endpoint is configured (here or in <see cref="OtlpEndpointVariable"/>).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>Reads the options; the endpoint falls back to <see cref="OtlpEndpointVariable"/> (configuration, then the environment).</summary>
    public static AgentsTelemetryOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SectionName).Get<AgentsTelemetryOptions>() ?? new AgentsTelemetryOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            options.OtlpEndpoint = configuration[OtlpEndpointVariable] ?? Environment.GetEnvironmentVariable(OtlpEndpointVariable);
        }

        options.OtlpProtocol ??= configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL");
        return options;
    }
}
