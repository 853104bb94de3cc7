using Agents.Inference.Gpu;
using Agents.Inference.Resilience;
using Agents.Inference.Telemetry;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Inference.Tests.Telemetry;

// Each test filters the process-wide "Agents" meter by a replica or model name of its own, so tests may run in parallel.
public sealed class TelemetryInstrumentsTests
{
    [Fact]
    public async Task AdmissionGate_QueuedRequests_ReportQueueDepthPerReplica()
    {
        using var metrics = new MetricCollector(AgentsTelemetry.Name);
        var gate = new AdmissionGate(capacity: 1, queueLimit: 4, replica: "qd-test/0", model: "qd-model");
        var held = await gate.EnterAsync(TimeSpan.Zero);
        var first = gate.EnterAsync(TimeSpan.FromSeconds(30)).AsTask();
        var second = gate.EnterAsync(TimeSpan.FromSeconds(30)).AsTask();
        await Assert.ThrowsAsync<Contracts.Inference.InferenceOverloadedException>(() => gate.EnterAsync(TimeSpan.FromMilliseconds(20)).AsTask());

        Assert.Equal(2, metrics.Sum("agents.inference.queue_depth", (TagNames.Replica, "qd-test/0"), (TagNames.GenAiRequestModel, "qd-model")));
        held.Dispose();
        var lease = await first;
        Assert.Equal(1, metrics.Sum("agents.inference.queue_depth", (TagNames.Replica, "qd-test/0")));
        lease.Dispose();
        (await second).Dispose();
        Assert.Equal(0, metrics.Sum("agents.inference.queue_depth", (TagNames.Replica, "qd-test/0")));
    }

    [Fact]
    public async Task RetryPipeline_TransientFailures_CountsRetriesByReason()
    {
        using var metrics = new MetricCollector(AgentsTelemetry.Name);
        var options = new ModelRetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };
        var pipeline = new ModelRetryPipeline(options, "test backend", "retry-metric-model", null, NullLogger.Instance);
        var attempts = 0;

        var value = await pipeline.ExecuteAsync(
            _ => ++attempts <= 2 ? throw new HttpRequestException("connection refused") : ValueTask.FromResult(42),
            CancellationToken.None);

        Assert.Equal(42, value);
        Assert.Equal(2, metrics.Sum("agents.model.retries", (TagNames.GenAiRequestModel, "retry-metric-model"), (TagNames.RetryReason, "connection")));
        Assert.Equal(2, metrics.Sum("agents.model.retries", (TagNames.GenAiRequestModel, "retry-metric-model")));
    }

    [Theory]
    [InlineData("timeout", typeof(TimeoutException))]
    [InlineData("connection", typeof(IOException))]
    [InlineData("other", typeof(InvalidOperationException))]
    public void RetryReason_Exception_NamesTheCategory(string reason, Type exception) =>
        Assert.Equal(reason, ModelRetryPipeline.RetryReason((Exception)Activator.CreateInstance(exception)!));

    [Theory]
    [InlineData("sim", "sim", "sim")]
    [InlineData("openai:http://10.1.2.3:8000/v1#Qwen2.5-7B", "Qwen2.5-7B", "openai")]
    [InlineData("gguf:/home/someone/models/tiny.gguf", "tiny.gguf", "gguf")]
    [InlineData("replay:/data/runs/rec.jsonl", "rec.jsonl", "replay")]
    public void ModelSpec_TelemetryName_NamesTheModelNeverItsUrlOrDirectory(string spec, string name, string provider)
    {
        var parsed = ModelSpec.Parse(spec);

        Assert.Equal((name, provider), (parsed.TelemetryName, parsed.ProviderName));
    }

    [Fact]
    public void Registry_ResolvedClient_DescribesItsModelForTelemetry()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Models:AllowClientSpecs"] = "true" }).Build();
        using var services = new ServiceCollection().AddModelBackends(configuration).BuildServiceProvider();

        var metadata = services.GetRequiredService<IModelRegistry>().Resolve("openai:http://127.0.0.1:9/v1#served").GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(("openai", "served", null), (metadata.ProviderName, metadata.DefaultModelId, metadata.ProviderUri));
    }
}
