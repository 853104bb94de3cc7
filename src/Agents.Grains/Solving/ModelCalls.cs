using Agents.Contracts.Refining;
using Agents.Inference;
using Agents.Inference.Sampling;

namespace Agents.Grains.Solving;

/// <summary>One generation for an agent grain: resolve the model, send the messages with the call's seed, count usage.</summary>
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
        };
        var batch = await SampleAsync(model, messages, options, 1, call.Seed, role, cancellationToken);
        return (batch.Texts[0], batch.Usage);
    }

    /// <summary>Samples n completions; backend failures become <see cref="AgentCallException"/>, which crosses the wire.</summary>
    public static async Task<SampleBatch> SampleAsync(
        IChatClient model, IList<ChatMessage> messages, ChatOptions options, int n, long seed, string role, CancellationToken cancellationToken)
    {
        try
        {
            return await model.SampleAsync(messages, options, n, seed, preferN: true, cancellationToken);
        }
        catch (ModelBackendException ex)
        {
            throw new AgentCallException($"{role}: {ex.Message}") { Role = role };
        }
    }
}
