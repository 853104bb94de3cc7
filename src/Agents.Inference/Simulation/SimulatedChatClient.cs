using System.Runtime.CompilerServices;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Inference.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Agents.Inference.Simulation;

/// <summary>
/// The <c>sim:</c> backend: an <see cref="IChatClient"/> over <see cref="SimulatedModel"/> that honours
/// <see cref="ChatOptions.Temperature"/> (default 1, like OpenAI) and <see cref="ChatOptions.Seed"/> (default 0),
/// counts tokens with the o200k_base tokenizer, and waits as its <see cref="SimulatedLatency"/> says.
/// </summary>
public sealed class SimulatedChatClient(SimulatedModel model, SimulatedLatency? latency = null) : MultiChoiceChatClientBase
{
    /// <summary>The provider name in the client's metadata.</summary>
    public const string ProviderName = "sim";

    /// <summary>The model id of every response.</summary>
    public const string ModelName = "sim";

    /// <summary>The temperature of a request that sets none (OpenAI's default).</summary>
    public const double DefaultTemperature = 1.0;

    private static readonly Tokenizer Tokens = TiktokenTokenizer.CreateForEncoding("o200k_base");

    private readonly SimulatedLatency _latency = latency ?? SimulatedLatency.None;

    /// <summary>A client over a model with the default rates and no latency.</summary>
    public SimulatedChatClient()
        : this(new SimulatedModel())
    {
    }

    /// <inheritdoc />
    protected override ChatClientMetadata Metadata { get; } = new(ProviderName, null, ModelName);

    /// <summary>The latency model (and counters) of the simulated server this client belongs to.</summary>
    public SimulatedLatency Latency => _latency;

    /// <summary>The simulated model behind this client.</summary>
    public SimulatedModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>Tokens of a text under o200k_base.</summary>
    public static int CountTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : Tokens.CountTokens(text);

    /// <summary>Prompt tokens of a request: the sum of its messages' text tokens (no chat-template overhead).</summary>
    public static long CountPromptTokens(IEnumerable<ChatMessage> messages) =>
        messages.Sum(m => (long)CountTokens(m.Text));

    /// <summary>
    /// Draws <paramref name="n"/> choices in one request; choice i uses seed <c>SampleSeed.ForChoice(seed, i)</c>, so
    /// it equals a single request sent with that seed. Latency: prefill on the prompt, then decode on the longest choice
    /// (or each choice in a slot of its own, <see cref="SimulatedLatencyOptions.SlotPerChoice"/>).
    /// </summary>
    public override async Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var temperature = Temperature(options);
        var seed = options?.Seed ?? 0;
        var choices = new string[n];
        var choiceTokens = new long[n];
        for (var i = 0; i < n; i++)
        {
            choices[i] = Model.Complete(prompt, temperature, SampleSeed.ForChoice(seed, i));
            choiceTokens[i] = CountTokens(choices[i]);
        }

        var blocks = SimulatedLatency.PrefixBlocks(prompt.Select(m => (m.Role.Value + "\n" + m.Text, (long)CountTokens(m.Text))));
        var promptTokens = blocks.Sum(b => b.Tokens);
        await _latency.WaitAsync(blocks, promptTokens, choiceTokens, cancellationToken).ConfigureAwait(false);
        // The simulated model reads a final assistant message as the start of its own reply (an in-process prefill).
        return new MultiChoiceResult(choices, promptTokens, choiceTokens.Sum())
        {
            Prefill = MultiChoiceResult.EndsWithPrefill(prompt) ? Core.Solving.Prefill.Prefilled : null,
        };
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        base.GetService(serviceType, serviceKey) ?? (serviceKey is null && serviceType.IsInstanceOfType(Model) ? Model : null);

    // ChatOptions carries a float; 0.8f is 0.800000011920929 as a double, so round to keep the model's seeds stable.
    private static double Temperature(ChatOptions? options) =>
        options?.Temperature is { } t ? Math.Round((double)t, 6) : DefaultTemperature;
}
