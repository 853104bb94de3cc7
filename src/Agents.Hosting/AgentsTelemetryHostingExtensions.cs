using Agents.Hosting;
using Agents.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Exports the <c>Agents</c> spans and metrics (and Orleans' own) over OTLP when an endpoint is configured.</summary>
public static class AgentsTelemetryHostingExtensions
{
    /// <summary>
    /// When <c>Agents:Telemetry:OtlpEndpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, adds OpenTelemetry tracing and
    /// metrics with the OTLP exporter; otherwise adds nothing, so no span is ever created and no measurement kept.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The default service name (e.g. <c>agents-silo</c>).</param>
    public static IHostApplicationBuilder AddAgentsTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AgentsTelemetryOptions.From(builder.Configuration);
        if (!options.Enabled)
        {
            return builder;
        }

        var endpoint = new Uri(options.OtlpEndpoint!.Trim());
        var http = string.Equals(options.OtlpProtocol?.Trim(), "http/protobuf", StringComparison.OrdinalIgnoreCase);
        var protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var orleansSources = new[] { Orleans.Diagnostics.ActivitySources.RuntimeActivitySourceName, Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName };
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? options.ServiceName ?? serviceName,
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(AgentsTelemetry.Name);
                if (options.Orleans)
                {
                    tracing.AddSource(orleansSources);
                }

                tracing.AddOtlpExporter(o => Configure(o, endpoint, protocol, "v1/traces"));
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AgentsTelemetry.Name);
                if (options.Orleans)
                {
                    metrics.AddMeter("Microsoft.Orleans");
                }

                metrics.AddOtlpExporter((o, reader) =>
                {
                    Configure(o, endpoint, protocol, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricsIntervalMs;
                });
            });
        return builder;
    }

    // The exporter appends /v1/traces itself only to an endpoint read from the environment; one set in code is used as is.
    private static void Configure(OtlpExporterOptions o, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        o.Protocol = protocol;
        o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath.Trim('/').Length == 0
            ? new Uri(endpoint, signalPath)
            : endpoint;
    }
}
