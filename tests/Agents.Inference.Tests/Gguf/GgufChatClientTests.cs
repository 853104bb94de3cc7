using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Agents.Core.Solving;
using Agents.Inference.Gguf;
using Agents.Inference.Sampling;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Tests.Gguf;

/// <summary>
/// The gguf: backend with the real stories260K model (a tiny story writer): generation, determinism by seed, batching
/// and token counts; never answer quality.
/// </summary>
public sealed class GgufChatClientTests : IDisposable
{
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.User, "Once upon a time")];
    private readonly GgufChatClient? _client = GgufModelFactAttribute.ModelPath is { } path
        ? new GgufChatClient(path, new GgufOptions { ContextSize = 512 }, null)
        : null;

    private GgufChatClient Client => _client!;

    public void Dispose() => _client?.Dispose();

    [GgufModelFact]
    public async Task Response_SameSeed_SameTextAndTokenCounts()
    {
        var options = new ChatOptions { Seed = 42, Temperature = 0.8f, MaxOutputTokens = 40 };

        var first = await Client.GetResponseAsync(Prompt, options);
        var second = await Client.GetResponseAsync(Prompt, options);

        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(Client.CountTokens(Client.RenderPrompt(Prompt)) + 1, first.Usage!.InputTokenCount); // + BOS
        // A bound (the cap): the count itself belongs to the model file; the seeded check is the equality of the two runs.
        Assert.InRange(first.Usage.OutputTokenCount!.Value, 1, 40);
        Assert.Equal(first.Usage.OutputTokenCount, second.Usage!.OutputTokenCount);
    }

    [GgufModelFact]
    public async Task Response_DifferentSeeds_DifferentText()
    {
        var texts = new HashSet<string>();
        for (var seed = 1; seed <= 4; seed++)
        {
            texts.Add((await Client.GetResponseAsync(Prompt, new ChatOptions { Seed = seed, Temperature = 1f, MaxOutputTokens = 30 })).Text);
        }

        Assert.True(texts.Count >= 3, $"only {texts.Count} distinct texts from 4 seeds");
    }

    [GgufModelFact]
    public async Task Choices_BatchedN_EqualsSingleRequestsWithChoiceSeeds()
    {
        var options = new ChatOptions { Seed = 7, Temperature = 0.8f, MaxOutputTokens = 30 };

        var batched = await Client.GetChoicesAsync(Prompt, options, 4, default);
        var singles = new List<string>();
        long singleCompletion = 0;
        for (var i = 0; i < 4; i++)
        {
            var single = await Client.GetResponseAsync(Prompt, new ChatOptions { Seed = SampleSeed.ForChoice(7, i), Temperature = 0.8f, MaxOutputTokens = 30 });
            singles.Add(single.Text);
            singleCompletion += single.Usage!.OutputTokenCount!.Value;
        }

        Assert.Equal(singles, batched.Choices);
        Assert.Equal(singleCompletion, batched.CompletionTokens);
        Assert.True(batched.Choices.Distinct().Count() > 1);
    }

    [GgufModelFact]
    public async Task Registry_GgufSpec_LoadsOnceAndSamplesThroughN()
    {
        var spec = "gguf:" + GgufModelFactAttribute.ModelPath;
        // The silo lists its GGUF file; a client could not name one of its own.
        using var provider = new ServiceCollection()
            .AddModelBackends(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Models:Named:tiny"] = spec }).Build())
            .BuildServiceProvider();
        var registry = provider.GetRequiredService<IModelRegistry>();

        var client = registry.Resolve(spec);
        var batch = await client.SampleAsync(Prompt, new ChatOptions { Temperature = 0.8f, MaxOutputTokens = 20 }, 3, baseSeed: 5, preferN: true, default);

        Assert.Same(client, registry.Resolve(spec));
        Assert.Equal(SampleBatch.MethodN, batch.Method);
        Assert.Equal(3, batch.Texts.Count);
        Assert.True(batch.Usage.PromptTokens > 0 && batch.Usage.CompletionTokens > 0);
    }

    [Fact]
    public void Constructor_MissingFile_ThrowsNamingIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new GgufChatClient("/nonexistent/model.gguf", null, null));

        Assert.Contains("/nonexistent/model.gguf", error.Message, StringComparison.Ordinal);
    }
}
