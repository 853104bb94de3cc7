using System.IO.Hashing;
using System.Text;
using Agents.Core.Solving;
using Agents.Inference;
using Agents.Inference.Simulation;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Tests.Fakes;

/// <summary>
/// A deterministic model for tests: its answer depends only on the prompt and the seed; with
/// <c>multiChoice</c> it also answers n-choice requests, choice i being the answer for ForChoice(seed, i).
/// </summary>
internal sealed class SeededEchoChatClient(bool multiChoice) : IChatClient, IMultiChoiceChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public static string Answer(IEnumerable<ChatMessage> messages, long? seed)
    {
        var prompt = string.Join("\n", messages.Select(m => $"{m.Role}:{m.Text}"));
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{prompt}|{seed}"));
        return $"The answer is {hash % 1000} (seed {seed?.ToString() ?? "none"}).";
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var text = Answer(messages, options?.Seed);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
        });
    }

    public Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var list = messages.ToList();
        var seed = options?.Seed ?? 0;
        var choices = Enumerable.Range(0, n).Select(i => Answer(list, SampleSeed.ForChoice(seed, i))).ToList();
        return Task.FromResult(new MultiChoiceResult(choices, 10, 5L * n));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) && (multiChoice || serviceType != typeof(IMultiChoiceChatClient)) ? this : null;

    public void Dispose()
    {
    }
}
