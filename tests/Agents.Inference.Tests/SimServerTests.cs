using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Agents.Core.Solving;
using Agents.Inference.Serving;
using Agents.Inference.Tests.Fakes;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Tests;

public sealed class SimServerTests
{
    private static async Task<SimServer> StartAsync(SimServerOptions? options = null, bool multiChoice = true)
    {
        options ??= new SimServerOptions();
        options.Port = FreePort.Next();
        return await SimServer.StartAsync(options, new SeededEchoChatClient(multiChoice));
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChatCompletions_NChoices_ReturnsOpenAIShape(bool multiChoice)
    {
        await using var server = await StartAsync(multiChoice: multiChoice);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsync("v1/chat/completions", Body("""
            {"model":"sim","messages":[{"role":"user","content":"hi"}],"n":3,"seed":11,"temperature":0.8,"max_tokens":50}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("sim", root.GetProperty("model").GetString());
        var choices = root.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("assistant", c.GetProperty("message").GetProperty("role").GetString()));
        Assert.All(choices, c => Assert.Equal("stop", c.GetProperty("finish_reason").GetString()));
        var prompt = new[] { new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi") };
        Assert.Equal(SeededEchoChatClient.Answer(prompt, SampleSeed.ForChoice(11, 2)), choices[2].GetProperty("message").GetProperty("content").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64() + usage.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("total_tokens").GetInt64());
        Assert.Equal(new SimRequestRecord("sim", 3, 11, 50, 0.8), server.Stats.Recent.Single());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":0}""", "'n'")]
    [InlineData("""{"messages":[{"role":"wizard","content":"x"}]}""", "role")]
    public async Task ChatCompletions_BadRequest_Returns400WithOpenAIError(string body, string expected)
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsync("v1/chat/completions", Body(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, server.Stats.BadRequests);
    }

    [Fact]
    public async Task ChatCompletions_Stream_SendsChunksUsageAndDoneWithTheSameText()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        const string Request = """{"model":"sim","messages":[{"role":"user","content":"hi there"}],"n":2,"seed":5""";

        using var whole = await http.PostAsync("v1/chat/completions", Body(Request + "}"));
        using var streamed = await http.PostAsync("v1/chat/completions", Body(Request + ""","stream":true,"stream_options":{"include_usage":true}}"""));

        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var events = (await streamed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        using var expected = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());
        for (var i = 0; i < 2; i++)
        {
            var mine = chunks.Where(c => c.GetProperty("choices").GetArrayLength() == 1 && c.GetProperty("choices")[0].GetProperty("index").GetInt32() == i)
                .Select(c => c.GetProperty("choices")[0]).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal("stop", mine[^1].GetProperty("finish_reason").GetString());
            var text = string.Concat(mine.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
            Assert.Equal(expected.RootElement.GetProperty("choices")[i].GetProperty("message").GetProperty("content").GetString(), text);
        }

        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(expected.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64(), usage.GetProperty("usage").GetProperty("total_tokens").GetInt64());
    }

    [Fact]
    public async Task ChatCompletions_WrongKey_Returns401InvalidApiKey()
    {
        await using var server = await StartAsync(new SimServerOptions { ApiKey = "right-key" });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key");

        using var response = await http.PostAsync("v1/chat/completions", Body("""{"messages":[{"role":"user","content":"x"}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("invalid_api_key", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("wrong-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("right-key", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthModelsStats_Get_Answer()
    {
        await using var server = await StartAsync(new SimServerOptions { ModelName = "sim-7b" });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var health = await http.GetStringAsync("health");
        var models = await http.GetStringAsync("v1/models");
        var stats = await http.GetStringAsync("stats");

        Assert.Contains("ok", health, StringComparison.Ordinal);
        Assert.Equal("sim-7b", JsonDocument.Parse(models).RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(0, JsonDocument.Parse(stats).RootElement.GetProperty("requests").GetInt64());
        Assert.StartsWith("openai:http://127.0.0.1:", server.ModelSpec, StringComparison.Ordinal);
        Assert.EndsWith("/v1#sim-7b", server.ModelSpec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_SameFaultSeed_SameFaultSequence()
    {
        async Task<string> RunAsync()
        {
            await using var server = await StartAsync(new SimServerOptions { FailureRate429 = 0.3, FailureRate500 = 0.2, FaultSeed = 7 });
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            var codes = new StringBuilder();
            for (var i = 0; i < 20; i++)
            {
                using var response = await http.PostAsync("v1/chat/completions", Body("""{"messages":[{"role":"user","content":"x"}]}"""));
                codes.Append((int)response.StatusCode).Append(' ');
            }

            return codes.ToString();
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains("429", first, StringComparison.Ordinal);
        Assert.Contains("500", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_App_ExposesStatsAsService()
    {
        var port = FreePort.Next();
        await using var app = SimServer.Build(new SimServerOptions { Port = port }, new SeededEchoChatClient(true));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var response = await http.PostAsync("v1/chat/completions", Body("""{"messages":[{"role":"user","content":"x"}],"n":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = app.Services.GetRequiredService<SimServerStats>();
        Assert.Equal(1, stats.Completed);
        Assert.Equal(2, stats.Choices);
        await app.StopAsync();
    }
}
