using Microsoft.Extensions.AI;
using System.Net.Http;
using System.Text.Json;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;

namespace Agents.Inference.Tests.Gpu;

public sealed class PrefixCacheTests
{
    private static IReadOnlyList<PrefixBlock> Blocks(params (string Text, long Tokens)[] parts) => SimulatedLatency.PrefixBlocks(parts);

    [Fact]
    public async Task Wait_RepeatedAndExtendedPrompts_CountLeadingBlocksAsHits()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { PrefixCacheTokens = 10_000 });

        await latency.WaitAsync(Blocks(("system", 10), ("problem", 100)), 110, 5);
        await latency.WaitAsync(Blocks(("system", 10), ("problem", 100)), 110, 5);
        await latency.WaitAsync(Blocks(("system", 10), ("problem", 100), ("answer", 50), ("critique", 20)), 180, 5);
        await latency.WaitAsync(Blocks(("other system", 10), ("problem", 100)), 110, 5);

        // Hits: 0, 110, 110 (the first two blocks), 0 (a different first block changes every later prefix hash).
        Assert.Equal(220, latency.PrefixHitTokens);
        Assert.Equal(510, latency.PromptTokens);
        Assert.Equal(290, latency.PrefillTokens);
    }

    [Fact]
    public async Task Wait_CacheFull_EvictsLeastRecentlyUsed()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { PrefixCacheTokens = 250 });

        await latency.WaitAsync(Blocks(("a", 100)), 100, 1);
        await latency.WaitAsync(Blocks(("b", 100)), 100, 1);
        await latency.WaitAsync(Blocks(("a", 100)), 100, 1); // hit; "a" becomes most recent
        await latency.WaitAsync(Blocks(("c", 100)), 100, 1); // evicts "b"
        await latency.WaitAsync(Blocks(("a", 100)), 100, 1); // hit
        await latency.WaitAsync(Blocks(("b", 100)), 100, 1); // miss

        Assert.Equal(200, latency.PrefixHitTokens);
    }

    [Fact]
    public async Task Wait_PrefixHit_CostsNoPrefillTime()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { PrefillTokensPerSecond = 1_000, PrefixCacheTokens = 10_000 });

        await latency.WaitAsync(Blocks(("long problem", 300)), 300, 0);
        var first = latency.SlotBusyTime;
        await latency.WaitAsync(Blocks(("long problem", 300)), 300, 0);
        var second = latency.SlotBusyTime - first;

        Assert.True(first >= TimeSpan.FromMilliseconds(280), $"first {first}");
        Assert.True(second < TimeSpan.FromMilliseconds(100), $"second {second}");
        Assert.True(latency.BusyTime >= first);
    }

    [Fact]
    public async Task Stats_SimServer_ReportsBusyTimeQueueAndPrefixHits()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 5_000, MaxConcurrency = 2, PrefixCacheTokens = 100_000 });
        await using var server = await SimServer.StartAsync(new SimServerOptions(), SimulatedBackend.Create(latency: latency));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new Agents.Inference.Backends.OpenAICompatibleChatClient(
            new OpenAICompatibleOptions { Endpoint = server.ApiBase, Model = "sim" }, Microsoft.Extensions.Logging.Abstractions.NullLogger<OpenAICompatibleChatClient>.Instance);
        var prompt = new List<ChatMessage> { new(ChatRole.User, "Natalia sold clips to 48 of her friends in April. How many clips did she sell?") };

        await client.GetResponseAsync(prompt, new ChatOptions { Seed = 1 });
        await client.GetResponseAsync(prompt, new ChatOptions { Seed = 2 });
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri("stats", UriKind.Relative)));
        var root = stats.RootElement;

        Assert.Equal(2, root.GetProperty("served").GetInt64());
        Assert.True(root.GetProperty("prefix_hit_tokens").GetInt64() > 0);
        Assert.Equal(root.GetProperty("served_prompt_tokens").GetInt64() / 2, root.GetProperty("prefix_hit_tokens").GetInt64());
        Assert.True(root.GetProperty("busy_ms").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("queued").GetInt32());
        Assert.Equal(2, root.GetProperty("max_concurrency").GetInt32());
    }
}
