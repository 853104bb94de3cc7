using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Inference.Backends;
using Agents.Inference.Resilience;
using Agents.Inference.Sampling;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Tests;

public sealed class SimulatedEndToEndTests
{
    private static readonly IList<ChatMessage> Prompt = SolverPrompt.Build(PromptTemplates.Defaults, SyntheticProblems.GenerateOne(2024, 0, 6, 6).Question);

    private static OpenAICompatibleChatClient Client(SimServer server) => new(new OpenAICompatibleOptions
    {
        Endpoint = server.ApiBase,
        Model = "sim",
        Retry = new ModelRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20) },
    });

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task SampleAsync_OpenAIAgainstSimServer_SameTextsAsSimulatedChatClient(bool serverHasMultiChoice, bool preferN)
    {
        using var direct = new SimulatedChatClient();
        IChatClient served = serverHasMultiChoice ? SimulatedBackend.Create() : new SimulatedChatClient();
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, served);
        using var client = Client(server);
        var options = new ChatOptions { Temperature = 0.8f, MaxOutputTokens = 512 };

        var remote = await client.SampleAsync(Prompt, options, 8, 31337, preferN, CancellationToken.None);
        var local = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            direct.GetResponseAsync(Prompt, new ChatOptions { Temperature = 0.8f, Seed = SampleSeed.ForChoice(31337, i) })));

        Assert.Equal(local.Select(r => r.Text), remote.Texts);
        Assert.True(remote.Texts.Distinct().Count() > 1, "expected sampling to vary");
        Assert.Equal(preferN ? SampleBatch.MethodN : SampleBatch.MethodParallel, remote.Method);
        Assert.Equal(local.Sum(r => r.Usage!.OutputTokenCount!.Value), remote.Usage.CompletionTokens);
        Assert.Equal(0, remote.Usage.Retries);
    }

    [Fact]
    public async Task SampleAsync_SimBackend_UsesOneNRequest()
    {
        using var sim = SimulatedBackend.Create();

        var batch = await sim.SampleAsync(Prompt, new ChatOptions { Temperature = 0.8f }, 4, 9, preferN: true, CancellationToken.None);

        Assert.Equal(SampleBatch.MethodN, batch.Method);
        Assert.Equal(1, batch.Usage.Calls);
        Assert.NotNull(sim.GetService<SimulatedChatClient>());
    }

    [Fact]
    public void AddModelBackends_DefaultSim_ResolvesSimulatedModelWithBoundOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{SimulationOptions.SectionName}:SlipBase"] = "0.25",
        }).Build();
        using var services = new ServiceCollection().AddModelBackends(configuration).BuildServiceProvider();

        var solver = services.GetRequiredKeyedService<IChatClient>(ModelRoles.Solver);

        Assert.NotNull(solver.GetService<IMultiChoiceChatClient>());
        Assert.Equal(0.25, solver.GetService<SimulatedModel>()!.Options.SlipBase);
        Assert.Same(solver, services.GetRequiredKeyedService<IChatClient>(ModelRoles.Critic));
    }
}
