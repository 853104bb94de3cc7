using Agents.Contracts.Refining;
using Agents.Inference;
using Agents.Inference.Backends;
using Agents.Inference.Sampling;
using Agents.Inference.Simulation;
using Agents.Inference.Telemetry;

namespace Agents.Grains.Solving;

/// <summary>One generation for an agent grain: resolve the model, send the messages with the call's seed, count usage (a <c>chat {model}</c> span and the token counters).</summary>
internal static class ModelCalls
{
    /// <summary>The model for a spec, or the role's keyed default when the spec is empty.</summary>
    public static IChatClient Resolve(IModelRegistry models, IChatClient roleDefault, string spec) =>
        string.IsNullOrEmpty(spec) ? roleDefault : models.Resolve(spec);

    /// <summary>Sends one request (n = 1) and returns the completion with its usage.</summary>
    public static async Task<(string Text, TokenUsage Usage)> CompleteAsync(
        IChatClient model, IList<ChatMessage> messages, ModelCall call, string role, CancellationToken cancellationToken)
    {
        var options = new ChatOptions
        {
            Temperature = (float)call.Temperature,
            TopP = (float)call.TopP,
            MaxOutputTokens = call.MaxTokens,
            AdditionalProperties = call.MinTokens > 0 ? new() { [MultiChoiceResult.MinTokensProperty] = call.MinTokens } : null,
        };
        var batch = await SampleAsync(model, messages, options, 1, call.Seed, role, cancellationToken);
        return (batch.Texts[0], batch.Usage);
    }

    /// <summary>Samples n completions; backend failures become <see cref="AgentCallException"/>, which crosses the wire.</summary>
    public static async Task<SampleBatch> SampleAsync(
        IChatClient model, IList<ChatMessage> messages, ChatOptions options, int n, long seed, string role, CancellationToken cancellationToken)
    {
        var metadata = model.GetService<ChatClientMetadata>();
        var name = metadata?.DefaultModelId ?? "unknown";
        using var span = AgentsTelemetry.StartModelCall(name, metadata?.ProviderName, role);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("gen_ai.request.temperature", options.Temperature);
            span.SetTag("gen_ai.request.top_p", options.TopP);
            span.SetTag("gen_ai.request.max_tokens", options.MaxOutputTokens);
            span.SetTag("gen_ai.request.seed", seed);
            span.SetTag("gen_ai.request.choice.count", n);
        }

        // The problem run's session key, set by the run for its agent calls; backends send it only when configured to.
        if (WorkflowHints.From(options) is null && RequestContext.Get(WorkflowHints.Property) is string { Length: > 0 } session)
        {
            options = new WorkflowHints(session).ApplyTo(options);
        }

        try
        {
            var batch = await model.SampleAsync(messages, options, n, seed, preferN: true, cancellationToken);
            AgentsTelemetry.RecordUsage(span, name, role, batch.Usage.PromptTokens, batch.Usage.CompletionTokens, batch.Usage.Samples);
            return batch;
        }
        catch (ModelBackendException ex)
        {
            AgentsTelemetry.RecordFailure(span, ex);
            throw new AgentCallException($"{role}: {ex.Message}") { Role = role };
        }
        catch (Exception ex)
        {
            AgentsTelemetry.RecordFailure(span, ex);
            throw;
        }
    }
}
