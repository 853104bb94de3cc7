using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Gguf;
using Agents.Inference.Gpu;
using Agents.Inference.Replay;
using Agents.Inference.Simulation;
using Agents.Inference.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Inference;

/// <summary>
/// Creates each backend once per spec and shares it; the registry owns the clients, so the instances it hands
/// out ignore <c>Dispose</c> and are disposed with the registry.
/// </summary>
public sealed class ModelRegistry(
    IOptions<ModelOptions> models,
    IOptions<ModelRetryOptions> retry,
    ILoggerFactory loggers,
    IServiceProvider services) : IModelRegistry, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<OwnedChatClient>> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<OwnedChatClient>> _backends = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IDisposable> _owned = [];
    private readonly StrongBox<RecordFile?> _recordFile = new();
    private volatile bool _disposed;
    private ModelAllowList? _allowList;

    private ModelAllowList AllowList => _allowList ??= services.GetService<ModelAllowList>() ?? new ModelAllowList(models.Value);

    /// <inheritdoc/>
    /// <remarks>
    /// The spec is checked against the silo's <see cref="ModelAllowList"/> first (a name stands for the spec it lists), so a
    /// spec the silo does not list fails here, before any request leaves the silo. When an <see cref="IModelRouter"/> is
    /// registered (the inference tier) it may route the spec to model replicas.
    /// </remarks>
    public IChatClient Resolve(string spec)
    {
        var parsed = AllowList.ResolveModel(spec);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (services.GetService<IModelRouter>() is not { } router)
        {
            return ResolveBackend(parsed.Text);
        }

        return _clients.GetOrAdd(
            parsed.Text,
            _ => new Lazy<OwnedChatClient>(() => new OwnedChatClient(router.Route(parsed, () => ResolveBackend(parsed.Text)) ?? ResolveBackend(parsed.Text), parsed), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>The local backend of a spec, never routed through an <see cref="IModelRouter"/> (inference replicas use this).</summary>
    public IChatClient ResolveBackend(string spec)
    {
        var parsed = ModelSpec.Parse(spec);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _backends.GetOrAdd(
            parsed.Text,
            _ => new Lazy<OwnedChatClient>(() => new OwnedChatClient(Recorded(Create(parsed), parsed), parsed), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }


    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        foreach (var client in _clients.Values.Concat(_backends.Values).Where(c => c.IsValueCreated))
        {
            client.Value.InnerClient.Dispose();
        }

        _clients.Clear();
        _backends.Clear();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _recordFile.Value?.Dispose();
    }

    /// <summary>The configuration key naming the record file (<c>--record FILE</c>): every backend's samples are appended to it.</summary>
    public const string RecordKey = "Agents:Models:Record";

    // --record FILE (issue #4): every backend but a replay is wrapped so its samples are appended to one shared file.
    private IChatClient Recorded(IChatClient backend, ModelSpec spec)
    {
        if (spec.Kind == ModelSpecKind.Replay || services.GetService<IConfiguration>()?[RecordKey] is not { Length: > 0 } path)
        {
            return backend;
        }

        lock (_recordFile)
        {
            _recordFile.Value ??= new RecordFile(path);
            return new RecordingChatClient(backend, _recordFile.Value);
        }
    }

    private IChatClient Create(ModelSpec spec) => spec.Kind switch
    {
        ModelSpecKind.Sim => CreateSim(),
        ModelSpecKind.OpenAI => new OpenAICompatibleChatClient(
            new OpenAICompatibleOptions
            {
                Endpoint = spec.Endpoint!,
                Model = spec.Model!,
                ApiKey = OpenAICompatibleOptions.ApiKeyFromEnvironment(),
                NetworkTimeout = models.Value.NetworkTimeout,
                Retry = retry.Value,
                Hints = services.GetService<IOptions<ModelHintOptions>>()?.Value ?? new ModelHintOptions(),
            },
            loggers.CreateLogger<OpenAICompatibleChatClient>()),
        ModelSpecKind.Gguf => new GgufChatClient(
            spec.Path!,
            services.GetService<IConfiguration>()?.GetSection(GgufOptions.SectionName).Get<GgufOptions>(),
            loggers),
        ModelSpecKind.Replay => new ReplayChatClient(spec.Path!),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown model spec kind."),
    };

    private IChatClient CreateSim()
    {
        var simulation = services.GetService<IOptions<SimulationOptions>>()?.Value ?? SimulationOptions.Default;
        var latencyOptions = services.GetService<IOptions<SimulatedLatencyOptions>>()?.Value ?? new SimulatedLatencyOptions();
        // One latency model per registry: every role on "sim" shares the simulated server's concurrency slots.
        var latency = new SimulatedLatency(latencyOptions, services.GetService<TimeProvider>());
        _owned.Add(latency);
        return SimulatedBackend.Create(simulation, latency);
    }

    /// <summary>The shared view of a registry-owned client: callers may dispose it without closing the backend.</summary>
    private sealed class OwnedChatClient(IChatClient inner, ModelSpec spec) : IChatClient
    {
        // What telemetry names the model: the spec's model and provider, never its URL (which may carry credentials).
        private readonly ChatClientMetadata _metadata = new(spec.ProviderName, providerUri: null, spec.TelemetryName);

        public IChatClient InnerClient => inner;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is not null ? inner.GetService(serviceType, serviceKey)
            : serviceType == typeof(OwnedChatClient) ? this
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
            // The registry disposes the backend; a keyed-service container or a caller must not.
        }

        public override string? ToString() => inner.ToString();
    }
}
