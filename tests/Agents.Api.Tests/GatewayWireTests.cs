using System.Text;
using System.Text.Json;
using Agents.Core.Simulation;

namespace Agents.Api.Tests;

/// <summary>The gateway's wire details no client library shows: SSE comments while agents work, and <c>n</c> runs.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayWireTests(GatewayFixture fixture)
{
    private static StringContent Request(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task Stream_Magicore_CommentsWhileWorkingThenChunksThenDone()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        var problem = SyntheticProblems.GenerateOne(51, 0).Question;

        using var response = await http.PostAsync("v1/chat/completions", Request(new
        {
            model = "magicore:sim",
            stream = true,
            messages = new[] { new { role = "user", content = problem } },
        }));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith(": chatcmpl-", events[0], StringComparison.Ordinal);
        Assert.Contains(events, e => e.StartsWith(": sampling 40 chains", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith(": round 3 of 3: ", StringComparison.Ordinal));
        var firstData = Array.FindIndex(events, e => e.StartsWith("data: ", StringComparison.Ordinal));
        Assert.All(events[..firstData], e => Assert.StartsWith(": ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[firstData..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.False(chunks[^1].TryGetProperty("usage", out _)); // no include_usage: no usage field at all
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("magicore", chunks[^1].GetProperty("agents").GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task N2_TwoIndependentRuns_FirstIsTheSingleRun()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        var messages = new[] { new { role = "user", content = SyntheticProblems.GenerateOne(52, 3).Question } };

        using var one = JsonDocument.Parse(await (await http.PostAsync("v1/chat/completions", Request(new { model = "sc@4:sim", seed = 8, messages }))).Content.ReadAsStringAsync());
        using var two = JsonDocument.Parse(await (await http.PostAsync("v1/chat/completions", Request(new { model = "sc@4:sim", seed = 8, n = 2, messages }))).Content.ReadAsStringAsync());

        var choices = two.RootElement.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal(one.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), choices[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(8, two.RootElement.GetProperty("agents").GetProperty("samples").GetInt32());
        Assert.Equal(2, two.RootElement.GetProperty("agents").GetProperty("choices").GetArrayLength());
        Assert.True(two.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64() > one.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
    }
}
