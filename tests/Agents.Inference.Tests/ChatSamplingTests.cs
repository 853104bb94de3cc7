using Agents.Core.Solving;
using Agents.Inference.Sampling;
using Agents.Inference.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Tests;

public sealed class ChatSamplingTests
{
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.System, "Solve."), new(ChatRole.User, "2 + 3 = ?")];

    [Fact]
    public async Task SampleAsync_NAndParallelPaths_GiveIdenticalTexts()
    {
        var multi = new SeededEchoChatClient(multiChoice: true);
        var plain = new SeededEchoChatClient(multiChoice: false);

        var viaN = await multi.SampleAsync(Prompt, new ChatOptions { Temperature = 0.7f }, 8, 42, preferN: true, CancellationToken.None);
        var viaParallel = await plain.SampleAsync(Prompt, new ChatOptions { Temperature = 0.7f }, 8, 42, preferN: true, CancellationToken.None);
        var viaParallelByChoice = await multi.SampleAsync(Prompt, new ChatOptions(), 8, 42, preferN: false, CancellationToken.None);

        Assert.Equal(SampleBatch.MethodN, viaN.Method);
        Assert.Equal(SampleBatch.MethodParallel, viaParallel.Method);
        Assert.Equal(SampleBatch.MethodParallel, viaParallelByChoice.Method);
        Assert.Equal(viaN.Texts, viaParallel.Texts);
        Assert.Equal(viaN.Texts, viaParallelByChoice.Texts);
        Assert.Equal(8, viaN.Texts.Distinct().Count());
        Assert.Equal(SeededEchoChatClient.Answer(Prompt, 42), viaN.Texts[0]);
        Assert.Equal(SeededEchoChatClient.Answer(Prompt, SampleSeed.ForChoice(42, 3)), viaN.Texts[3]);
    }

    [Fact]
    public async Task SampleAsync_Paths_CountCallsSamplesAndTokens()
    {
        var viaN = await new SeededEchoChatClient(true).SampleAsync(Prompt, new ChatOptions(), 4, 7, true, CancellationToken.None);
        var viaParallel = await new SeededEchoChatClient(false).SampleAsync(Prompt, new ChatOptions(), 4, 7, true, CancellationToken.None);

        Assert.Equal(new Contracts.Solving.TokenUsage(1, 4, 10, 20, 0), viaN.Usage);
        Assert.Equal(new Contracts.Solving.TokenUsage(4, 4, 40, 20, 0), viaParallel.Usage);
    }

    [Fact]
    public async Task SampleAsync_SingleSampleOnMultiClient_UsesOneNRequest()
    {
        var client = new SeededEchoChatClient(true);

        var batch = await client.SampleAsync(Prompt, new ChatOptions(), 1, 5, preferN: false, CancellationToken.None);

        Assert.Equal(SampleBatch.MethodN, batch.Method);
        Assert.Equal(1, client.Calls);
        Assert.Equal([SeededEchoChatClient.Answer(Prompt, 5)], batch.Texts);
    }

    [Fact]
    public async Task SampleAsync_CallerOptions_AreNotMutated()
    {
        var options = new ChatOptions { Seed = 99, Temperature = 0.5f };

        await new SeededEchoChatClient(false).SampleAsync(Prompt, options, 3, 1, true, CancellationToken.None);

        Assert.Equal(99, options.Seed);
    }
}
