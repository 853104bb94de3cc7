using Agents.Inference.Simulation;

namespace Agents.Inference.Sampling;

/// <summary>Maps an n-choice result to MEAI's single-response shape (choice 0, with usage over every choice).</summary>
public static class MultiChoiceResponses
{
    /// <summary>The chat response for choice 0 of a multi-choice result.</summary>
    public static ChatResponse ToChatResponse(MultiChoiceResult result, string? modelId)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, result.Choices[0]))
        {
            ModelId = modelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = result.PromptTokens,
                OutputTokenCount = result.CompletionTokens,
                TotalTokenCount = result.PromptTokens + result.CompletionTokens,
            },
            AdditionalProperties = Properties(result),
        };
    }

    private static AdditionalPropertiesDictionary? Properties(MultiChoiceResult result)
    {
        if (result.Prefill is null && result.Properties is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in result.Properties ?? new Dictionary<string, object?>())
        {
            properties[key] = value;
        }

        if (result.Prefill is { } prefill)
        {
            properties[MultiChoiceResult.PrefillProperty] = prefill;
        }

        return properties;
    }
}
