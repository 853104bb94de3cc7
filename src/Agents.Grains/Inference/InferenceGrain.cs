using Agents.Contracts.Inference;
using Agents.Inference;
using Agents.Inference.Accounting;
using Agents.Inference.Gpu;
using Agents.Inference.Sampling;
using Agents.Inference.Simulation;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Agents.Grains.Inference;

/// <summary>
/// One replica of a model (key = <c>model/index</c>) on a gpu silo that hosts it: serves up to the model's capacity
/// at once through the silo's backend, queues a bounded number more, refuses the rest (retryable), and batches the
/// n choices of one request into one backend call. Reentrant so that requests overlap; never a stateless worker,
/// because the replica count and placement are the point.
/// </summary>
[GpuPlacement]
[Reentrant]
public sealed partial class InferenceGrain(
    ModelRegistry registry,
    ISiloMetadataCache metadata,
    ILocalSiloDetails localSilo,
    IOptions<GpuInferenceOptions> options,
    ILogger<InferenceGrain> logger) : Grain, IInferenceGrain
{
    private HostedModel _model = null!;
    private IChatClient _backend = null!;
    private AdmissionGate _gate = null!;
    private ModelHealth? _health;
    private long _served;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var (model, _) = GpuSiloMetadata.ParseReplicaKey(key);
        _model = GpuSiloMetadata.Find(metadata.GetSiloMetadata(localSilo.SiloAddress).Metadata, model)
            ?? throw new NoGpuSiloException($"Silo {localSilo.SiloAddress} does not advertise gpu=true with model '{model}'; replica {key} cannot run here.") { Model = model };
        _backend = registry.ResolveBackend(_model.Spec);
        _gate = new AdmissionGate(
            _model.Capacity, _model.QueueLimit > 0 ? _model.QueueLimit : options.Value.QueueLimit, replica: key,
            model: ModelSpec.TryParse(_model.Spec, out var spec) ? spec.TelemetryName : _model.Id);
        _health = ServiceProvider.GetService<ModelHealth>();
        LogActivated(logger, key, localSilo.SiloAddress.ToString(), _model.Spec, _gate.Capacity, _gate.QueueLimit);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<InferenceResponse> CompleteAsync(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_health?.IsHealthy(_model.Id) == false)
        {
            // Let the key be placed again: the directors skip this silo while it does not advertise the model.
            DeactivateOnIdle();
            throw new InferenceOverloadedException($"Replica {this.GetPrimaryKeyString()}: the backend of '{_model.Id}' is failing its health checks.")
            {
                Reason = OverloadReason.Unhealthy,
                Replica = this.GetPrimaryKeyString(),
            };
        }

        IDisposable lease;
        try
        {
            lease = await _gate.EnterAsync(request.MaxQueueWait ?? options.Value.QueueDeadline, request.RequestId, cancellationToken);
        }
        catch (InferenceOverloadedException ex)
        {
            throw new InferenceOverloadedException($"Replica {this.GetPrimaryKeyString()}: {ex.Message}") { Reason = ex.Reason, Replica = this.GetPrimaryKeyString() };
        }

        using (lease)
        {
            var messages = request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Text)).ToList();
            var chatOptions = new ChatOptions
            {
                Seed = request.Seed,
                Temperature = request.Temperature,
                TopP = request.TopP,
                MaxOutputTokens = request.MaxTokens,
                AdditionalProperties = request.MinTokens is { } minTokens ? new() { [MultiChoiceResult.MinTokensProperty] = minTokens } : null,
            };
            ImmutableArray<string> choices;
            string? prefill;
            long promptTokens, completionTokens;
            try
            {
                if (request.N <= 1)
                {
                    var response = await _backend.GetResponseAsync(messages, chatOptions, cancellationToken);
                    choices = [response.Text];
                    promptTokens = response.Usage?.InputTokenCount ?? TokenCounter.CountPrompt(messages);
                    completionTokens = response.Usage?.OutputTokenCount ?? TokenCounter.Count(response.Text);
                    prefill = response.AdditionalProperties?.TryGetValue(MultiChoiceResult.PrefillProperty, out var p) == true ? p as string : null;
                }
                else
                {
                    var batch = await _backend.SampleAsync(messages, chatOptions, request.N, request.Seed ?? 0, preferN: true, cancellationToken);
                    choices = [.. batch.Texts];
                    promptTokens = batch.Usage.PromptTokens;
                    completionTokens = batch.Usage.CompletionTokens;
                    prefill = batch.Prefill;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _health?.ReportFailure(_model.Id);
                throw;
            }

            _health?.ReportSuccess(_model.Id);
            _served++;
            return new InferenceResponse(choices, promptTokens, completionTokens, this.GetPrimaryKeyString(), localSilo.SiloAddress.ToString(), Load(), prefill);
        }
    }

    /// <inheritdoc/>
    public Task<bool> WithdrawAsync(string requestId) => Task.FromResult(_gate.Withdraw(requestId));

    /// <inheritdoc/>
    public Task<ReplicaLoad> GetLoadAsync() => Task.FromResult(Load());

    private ReplicaLoad Load() => new(
        this.GetPrimaryKeyString(),
        localSilo.SiloAddress.ToString(),
        _gate.Active,
        _gate.Queued,
        _gate.Capacity,
        _gate.QueueLimit,
        _health?.IsHealthy(_model.Id) != false,
        _served,
        _gate.MaxQueued);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica {Replica} active on {Silo}: {Spec}, capacity {Capacity}, queue {QueueLimit}")]
    private static partial void LogActivated(ILogger logger, string replica, string silo, string spec, int capacity, int queueLimit);
}
