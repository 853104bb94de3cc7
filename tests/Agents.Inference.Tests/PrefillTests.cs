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

namespace Agents.Inference.Tests;

/// <summary>
/// A prefilled assistant turn (MAgICoRe code mode's "Step 1:") and <c>min_tokens</c> on the OpenAI-compatible path,
/// against the sim-server told to honour, ignore or refuse vLLM's <c>continue_final_message</c>.
/// </summary>
public sealed class PrefillTests
{
    private static readonly string Question = SyntheticProblems.GenerateOne(3, 0, 4, 4).Question;
    private static readonly ChatOptions Sampling = new() { Seed = 77, Temperature = 0.8f, TopP = 0.95f, MaxOutputTokens = 1000 };

    private static async Task<SimServer> StartAsync(SimFinalMessageMode mode) =>
        await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next(), FinalMessage = mode }, SimulatedBackend.Create());

    private static OpenAICompatibleChatClient Client(SimServer server) => new(new OpenAICompatibleOptions
    {
        Endpoint = server.ApiBase,
        Model = "sim",
        Retry = new ModelRetryOptions { MaxRetryAttempts = 0, AttemptTimeout = TimeSpan.FromSeconds(30) },
    });

    // What the released code stores: "Step 1:" + the continuation the model writes after the prefill.
    private static string Expected(int choice) =>
        new SimulatedModel().Solve(Question, 0.8, SampleSeed.ForChoice(77, choice));

    [Fact]
    public async Task ReleasedPrompt_ServerHonoursContinue_SendsParametersAndContinuesThePrefix()
    {
        await using var server = await StartAsync(SimFinalMessageMode.Continue);
        using var client = Client(server);

        var result = await client.GetChoicesAsync(SolverPrompt.BuildReleased(Question), Sampling, 3, CancellationToken.None);

        var seen = Assert.Single(server.Stats.Recent);
        Assert.True(seen.ContinueFinalMessage);
        Assert.True(seen.FinalAssistant);
        Assert.Null(seen.MinTokens);
        Assert.Equal(Prefill.Sent, result.Prefill);
        Assert.All(result.Choices, c => Assert.Equal(Prefill.Continued, Prefill.Classify(result.Prefill, SolverPrompt.ReleasedPrefill, c)));
        Assert.Equal([Expected(0), Expected(1), Expected(2)], result.Choices.Select(c => Prefill.Join(SolverPrompt.ReleasedPrefill, c)));
    }

    [Fact]
    public async Task ReleasedPrompt_ServerIgnoresContinue_RecordedAsRestartedAndStoredOnce()
    {
        await using var server = await StartAsync(SimFinalMessageMode.Ignore);
        using var client = Client(server);

        var result = await client.GetChoicesAsync(SolverPrompt.BuildReleased(Question), Sampling, 2, CancellationToken.None);

        Assert.True(Assert.Single(server.Stats.Recent).ContinueFinalMessage);
        Assert.Equal(Prefill.Sent, result.Prefill);
        Assert.All(result.Choices, c => Assert.Equal(Prefill.Restarted, Prefill.Classify(result.Prefill, SolverPrompt.ReleasedPrefill, c)));
        // The server opened a new turn and wrote "Step 1:" itself; the stored chain does not repeat it.
        Assert.Equal([Expected(0), Expected(1)], result.Choices.Select(c => Prefill.Join(SolverPrompt.ReleasedPrefill, c)));
    }

    [Fact]
    public async Task ReleasedPrompt_ServerRefusesContinue_ResendsWithoutItOnceAndRecordsRefused()
    {
        await using var server = await StartAsync(SimFinalMessageMode.Refuse);
        using var client = Client(server);

        var first = await client.GetChoicesAsync(SolverPrompt.BuildReleased(Question), Sampling, 2, CancellationToken.None);
        var second = await client.GetChoicesAsync(SolverPrompt.BuildReleased(Question), Sampling, 2, CancellationToken.None);

        Assert.Equal(Prefill.Refused, first.Prefill);
        Assert.Equal(Prefill.Refused, second.Prefill);
        Assert.Equal(first.Choices, second.Choices);
        Assert.Equal(1, server.Stats.RefusedParameters);
        Assert.Equal(3, server.Stats.Requests);
        Assert.All(server.Stats.Recent, r => Assert.Null(r.ContinueFinalMessage));
        Assert.Equal(["continue_final_message"], client.RefusedParameters);
        Assert.Equal(Prefill.Refused, Prefill.Classify(first.Prefill, SolverPrompt.ReleasedPrefill, first.Choices[0]));
        Assert.Equal(Expected(0), Prefill.Join(SolverPrompt.ReleasedPrefill, first.Choices[0]));
    }

    [Fact]
    public async Task MinTokens_InChatOptions_ReachesTheRequestBody()
    {
        await using var server = await StartAsync(SimFinalMessageMode.Continue);
        using var client = Client(server);
        var options = Sampling.Clone();
        options.AdditionalProperties = new() { [MultiChoiceResult.MinTokensProperty] = 50 };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, SolverPrompt.Build(PromptTemplates.Defaults, Question)[0].Text)], options);

        var seen = Assert.Single(server.Stats.Recent);
        Assert.Equal(50, seen.MinTokens);
        Assert.Null(seen.ContinueFinalMessage);
        Assert.False(seen.FinalAssistant);
        Assert.Equal(1, server.Stats.MinTokensRequests);
        Assert.Equal(new SimulatedModel().Solve(Question, 0.8, 77), response.Text);
    }

    [Fact]
    public async Task GetResponse_WithPrefill_GoesThroughTheContinuePathAndReportsIt()
    {
        await using var server = await StartAsync(SimFinalMessageMode.Continue);
        using var client = Client(server);

        var response = await client.GetResponseAsync(SolverPrompt.BuildReleased(Question), Sampling);

        Assert.True(Assert.Single(server.Stats.Recent).ContinueFinalMessage);
        Assert.Equal(Prefill.Sent, response.AdditionalProperties?[MultiChoiceResult.PrefillProperty]);
        Assert.Equal(Expected(0), SolverPrompt.ReleasedPrefill + response.Text);
    }

    [Fact]
    public async Task SimulatedBackend_InProcess_PrefillsDirectly()
    {
        using var client = SimulatedBackend.Create();

        var batch = await client.SampleAsync(SolverPrompt.BuildReleased(Question), Sampling, 2, 77, preferN: true, CancellationToken.None);

        Assert.Equal(Prefill.Prefilled, batch.Prefill);
        Assert.Equal([Expected(0), Expected(1)], batch.Texts.Select(t => Prefill.Join(SolverPrompt.ReleasedPrefill, t)));
    }
}
