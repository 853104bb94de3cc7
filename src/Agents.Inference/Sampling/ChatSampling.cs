using Agents.Core.Solving;
using Agents.Inference.Accounting;
using Agents.Inference.Resilience;
using Agents.Inference.Simulation;

namespace Agents.Inference.Sampling;

/// <summary>Draws n samples of one prompt, as one n-choice request where the backend supports it, else as n parallel requests.</summary>
public static class ChatSampling
{
    /// <summary>The most requests one batch sends at once on the parallel path.</summary>
    public const int MaxParallelRequests = 16;

    /// <summary>
    /// Draws <paramref name="n"/> samples. Both paths give the same texts on a deterministic backend: the n-choice
    /// request carries <paramref name="baseSeed"/>, parallel request i carries <c>SampleSeed.ForChoice(baseSeed, i)</c>.
    /// </summary>
    /// <param name="client">The model.</param>
    /// <param name="messages">The prompt.</param>
    /// <param name="options">Temperature, limits; its seed is replaced.</param>
    /// <param name="n">How many samples.</param>
    /// <param name="baseSeed">The seed of choice 0.</param>
    /// <param name="preferN">Use one n-choice request when the client supports it (always the case for n = 1).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<SampleBatch> SampleAsync(
        this IChatClient client,
        IList<ChatMessage> messages,
        ChatOptions options,
        int n,
        long baseSeed,
        bool preferN,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);

        using var scope = RetryTally.Begin(out var retries);
        var multi = client.GetService<IMultiChoiceChatClient>();
        if (multi is not null && (preferN || n == 1))
        {
            var requestOptions = options.Clone();
            requestOptions.Seed = baseSeed;
            var result = await multi.GetChoicesAsync(messages, requestOptions, n, cancellationToken).ConfigureAwait(false);
            return new SampleBatch(
                result.Choices,
                new TokenUsage(1, result.Choices.Count, result.PromptTokens, result.CompletionTokens, retries.Count),
                SampleBatch.MethodN,
                result.Prefill);
        }

        var texts = new string[n];
        var prefills = new string?[n];
        var promptTokens = new long[n];
        var completionTokens = new long[n];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, n),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(n, MaxParallelRequests), CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var requestOptions = options.Clone();
                requestOptions.Seed = SampleSeed.ForChoice(baseSeed, i);
                var response = await client.GetResponseAsync(messages, requestOptions, token).ConfigureAwait(false);
                texts[i] = response.Text;
                prefills[i] = response.AdditionalProperties?.TryGetValue(MultiChoiceResult.PrefillProperty, out var p) == true ? p as string : null;
                promptTokens[i] = response.Usage?.InputTokenCount ?? TokenCounter.CountPrompt(messages);
                completionTokens[i] = response.Usage?.OutputTokenCount ?? TokenCounter.Count(response.Text);
            }).ConfigureAwait(false);

        return new SampleBatch(
            texts,
            new TokenUsage(n, n, promptTokens.Sum(), completionTokens.Sum(), retries.Count),
            SampleBatch.MethodParallel,
            prefills.Distinct().Count() == 1 ? prefills[0] : null);
    }
}
