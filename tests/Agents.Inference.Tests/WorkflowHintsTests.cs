using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agents.Inference.Backends;
using Agents.Inference.Sampling;
using Agents.Inference.Serving;
using Agents.Inference.Tests.Fakes;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Inference.Tests;

/// <summary>Workflow hints through the registry's real openai: backend to a real sim-server, which records what it receives.</summary>
public sealed class WorkflowHintsTests
{
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.System, "Solve step by step."), new(ChatRole.User, "What is 6 * 7?")];

    private static async Task<SimServer> StartServerAsync() =>
        await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, new SeededEchoChatClient(multiChoice: true));

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var values = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        values["Agents:Models:AllowClientSpecs"] = "true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddModelBackends(configuration).BuildServiceProvider(validateScopes: true);
    }

    // One problem run: a plain call, an n-choice call, parallel samples and a streamed call, all with the run's hints.
    private static async Task RunAsync(IChatClient client, WorkflowHints hints)
    {
        var options = hints.ApplyTo(new ChatOptions { Seed = 7, MaxOutputTokens = 64 });
        await client.GetResponseAsync(Prompt, options);
        await client.GetService<IMultiChoiceChatClient>()!.GetChoicesAsync(Prompt, options, 3, CancellationToken.None);
        await client.SampleAsync(Prompt, options, 2, 11, preferN: false, CancellationToken.None);
        await foreach (var _ in client.GetStreamingResponseAsync(Prompt, options))
        {
        }
    }

    [Fact]
    public async Task SessionHeaderOn_EveryRequestOfARunCarriesItsKey_AndRunsDiffer()
    {
        await using var server = await StartServerAsync();
        await using var services = Services(("Agents:Models:Hints:SessionHeader", "x-session-id"));
        var client = services.GetRequiredService<IModelRegistry>().Resolve(server.ModelSpec);
        var first = WorkflowHints.SessionKeyFor("job-a", "p1");
        var second = WorkflowHints.SessionKeyFor("job-a", "p2");

        await RunAsync(client, new WorkflowHints(first, Priority: 5));
        await RunAsync(client, new WorkflowHints(second));

        var recent = server.Stats.Recent;
        Assert.Equal(10, recent.Count);
        Assert.Equal(Enumerable.Repeat(first, 5).Concat(Enumerable.Repeat(second, 5)), recent.Select(r => r.SessionId));
        Assert.All(recent, r => Assert.Null(r.Nvext)); // agent hints are off
        using var http = new HttpClient();
        var stats = await http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseAddress, "stats"));
        Assert.Equal(10, (long)stats!["session_requests"]!);
        Assert.Equal(2, (int)stats["sessions"]!);
        Assert.Equal(0, (long)stats["nvext_requests"]!);
    }

    [Fact]
    public async Task AgentHintsOn_RequestsCarryNvextWhenTheRunGivesHints()
    {
        await using var server = await StartServerAsync();
        await using var services = Services(("Agents:Models:Hints:AgentHints", "true"));
        var client = services.GetRequiredService<IModelRegistry>().Resolve(server.ModelSpec);

        await RunAsync(client, new WorkflowHints("job-b/p1", Priority: 9, ExpectedOutputTokens: 300));
        await RunAsync(client, new WorkflowHints("job-b/p2"));

        var recent = server.Stats.Recent;
        Assert.Equal(10, recent.Count);
        Assert.All(recent, r => Assert.Null(r.SessionId)); // no session header configured
        Assert.Equal(
            Enumerable.Repeat<string?>("""{"agent_hints":{"priority":9,"osl":300}}""", 5).Concat(Enumerable.Repeat<string?>(null, 5)),
            recent.Select(r => r.Nvext));
        Assert.Equal(5, server.Stats.NvextRequests);
    }

    [Fact]
    public async Task HintsOff_NothingIsSent()
    {
        await using var server = await StartServerAsync();
        await using var services = Services();
        Assert.False(services.GetRequiredService<IOptions<ModelHintOptions>>().Value.Enabled);
        var client = services.GetRequiredService<IModelRegistry>().Resolve(server.ModelSpec);

        await RunAsync(client, new WorkflowHints("job-c/p1", Priority: 1, ExpectedOutputTokens: 10));

        Assert.Equal(5, server.Stats.Recent.Count);
        Assert.All(server.Stats.Recent, r => Assert.Equal((null, null), (r.SessionId, r.Nvext)));
        Assert.Equal((0, 0, 0), (server.Stats.SessionRequests, server.Stats.Sessions, server.Stats.NvextRequests));
    }

    [Fact]
    public void SessionKeyFor_IsStablePerRun_AndHashesKeysThatDoNotFitAHeader()
    {
        Assert.Equal("job-1/p7", WorkflowHints.SessionKeyFor("job-1", "p7"));
        var odd = WorkflowHints.SessionKeyFor("job 1", "problème");
        Assert.Equal(odd, WorkflowHints.SessionKeyFor("job 1", "problème"));
        Assert.Matches("^h-[0-9a-f]{32}$", odd);
        Assert.NotEqual(odd, WorkflowHints.SessionKeyFor("job 1", "problème2"));
    }

    [Fact]
    public void InvalidSessionHeader_FailsValidation()
    {
        using var services = Services(("Agents:Models:Hints:SessionHeader", "x session\nid"));
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ModelHintOptions>>().Value);
        Assert.Contains("Agents:Models:Hints:SessionHeader", error.Message, StringComparison.Ordinal);
    }
}
