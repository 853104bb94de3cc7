using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Agents.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agents.Inference.Tests.Rewards;

/// <summary>
/// A local stand-in for a vLLM pooling server on a free loopback port: every POST to /pooling is recorded and answered
/// by the script (status and raw body), given the parsed request.
/// </summary>
internal sealed class FakeRewardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _requests = new();

    private FakeRewardServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<JsonObject> Requests => [.. _requests];

    public static async Task<FakeRewardServer> StartAsync(Func<JsonObject, int, (int Status, string Body)> script)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new FakeRewardServer(app, new Uri($"http://127.0.0.1:{port}"));
        var count = 0;
        app.MapPost("/pooling", async (HttpContext context) =>
        {
            var request = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject) ?? [];
            server._requests.Enqueue(request);
            var (status, body) = script(request, Interlocked.Increment(ref count));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>A vLLM pooling response with <paramref name="data"/> as data[0].data (raw JSON) and a usage block.</summary>
    public static string Pooling(string data, int promptTokens = 42) =>
        $$$"""{"id":"pool-1","object":"list","created":0,"model":"m","data":[{"index":0,"object":"pooling","data":{{{data}}}}],"usage":{"prompt_tokens":{{{promptTokens}}},"total_tokens":{{{promptTokens}}}}}""";

    public static bool IsOrm(JsonObject request) => request.ContainsKey("messages");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static string Text(JsonObject request, string property) => request[property]?.GetValue<string>() ?? string.Empty;
}
