using System.Diagnostics;
using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Inference.Simulation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.Tokenizers;
using Agents.Testing;

namespace Agents.Inference.Tests.Simulation;

public sealed class SimulatedChatClientTests
{
    private static readonly string Question = SyntheticProblems.GenerateOne(77, 0, 8, 8).Question;

    [Fact]
    public async Task GetChoicesAsync_NChoices_EqualParallelSingleRequestsWithChoiceSeeds()
    {
        using var client = new SimulatedChatClient();
        var prompt = SolverPrompt.Build(PromptTemplates.Defaults, Question);

        var batch = await client.GetChoicesAsync(prompt, new ChatOptions { Temperature = 0.8f, Seed = 1234 }, 16, CancellationToken.None);
        var singles = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            client.GetResponseAsync(prompt, new ChatOptions { Temperature = 0.8f, Seed = SampleSeed.ForChoice(1234, i) })));

        Assert.Equal(singles.Select(r => r.Text), batch.Choices);
        Assert.True(batch.Choices.Distinct().Count() > 1);
        Assert.Equal(singles.Sum(r => r.Usage!.OutputTokenCount!.Value), batch.CompletionTokens);
        Assert.Equal(singles[0].Usage!.InputTokenCount, batch.PromptTokens);
    }

    [Fact]
    public async Task GetResponseAsync_SolverPrompt_UsageCountedWithO200kTokenizer()
    {
        using var client = new SimulatedChatClient();
        var prompt = SolverPrompt.Build(PromptTemplates.Defaults, Question);
        var tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

        var response = await client.GetResponseAsync(prompt, new ChatOptions { Temperature = 0 });

        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        Assert.Equal(prompt.Sum(m => tokenizer.CountTokens(m.Text)), response.Usage.InputTokenCount);
        Assert.Equal(tokenizer.CountTokens(response.Text), response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal("sim", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(AnswerExtractor.Extract(response.Text));
    }

    [Fact]
    public async Task GetResponseAsync_SameOptions_SameText()
    {
        using var client = new SimulatedChatClient();
        var options = new ChatOptions { Temperature = 1.2f, Seed = 99 };

        var a = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), options);
        var b = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), options);

        Assert.Equal(a.Text, b.Text);
    }

    [Fact]
    public async Task GetResponseAsync_TemperatureAndSeed_PassedToModel()
    {
        using var client = new SimulatedChatClient();
        var model = new SimulatedModel();

        var response = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), new ChatOptions { Temperature = 0.8f, Seed = 5 });
        var none = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question));

        Assert.Equal(model.Solve(Question, 0.8, 5), response.Text);
        Assert.Equal(model.Solve(Question, SimulatedChatClient.DefaultTemperature, 0), none.Text);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownQuestion_CannotSolve()
    {
        using var client = new SimulatedChatClient();

        var response = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, "Janet's ducks lay 16 eggs per day. How much does she make?"));

        Assert.Equal(PromptMarkers.CannotSolve, response.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OneUpdate_SameTextAndUsage()
    {
        using var client = new SimulatedChatClient();
        var options = new ChatOptions { Temperature = 0.8f, Seed = 3 };
        var expected = await client.GetResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), options);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), options))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();
        Assert.Equal(expected.Text, streamed.Text);
        Assert.Equal(expected.Usage!.OutputTokenCount, streamed.Usage!.OutputTokenCount);
    }

    [Fact]
    public void GetService_OwnTypeAndMetadata_Returned()
    {
        using var client = new SimulatedChatClient();

        Assert.Same(client, client.GetService<SimulatedChatClient>());
        Assert.Same(client.Model, client.GetService<SimulatedModel>());
        Assert.Equal("sim", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Null(client.GetService<SimulatedChatClient>("key"));
    }

    [Fact]
    public async Task GetChoicesAsync_DecodeRate_TakesCompletionTokensOverRate()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1000 });
        using var client = new SimulatedChatClient(new SimulatedModel(), latency);
        var probe = await new SimulatedChatClient().GetChoicesAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), null, 1);
        Assert.Equal(173, probe.CompletionTokens); // seed 0 fixes the chain

        var clock = Stopwatch.StartNew();
        await client.GetChoicesAsync(SolverPrompt.Build(PromptTemplates.Defaults, Question), null, 1);

        Assert.True(clock.Elapsed.TotalSeconds >= probe.CompletionTokens / 1000.0 - 0.02, $"{clock.Elapsed} for {probe.CompletionTokens} tokens");
        Assert.True(clock.Elapsed.TotalSeconds < 5);
    }

    [Fact]
    public async Task WaitAsync_MaxConcurrencyOne_SerialisesRequests()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1000, MaxConcurrency = 1 });

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(latency.WaitAsync(0, 100), latency.WaitAsync(0, 100));

        Assert.True(clock.Elapsed.TotalSeconds >= 0.19, clock.Elapsed.ToString());
    }

    [Fact]
    public async Task WaitAsync_Unlimited_RunsRequestsTogether()
    {
        // No timing bounds (the machine may be busy): four long requests must all be in service at once.
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 100 });
        using var cts = new CancellationTokenSource();
        var waits = Enumerable.Range(0, 4).Select(_ => latency.WaitAsync(0, 3000, cts.Token)).ToList();

        await Eventually.UntilAsync(() => latency.Active == 4, TimeSpan.FromSeconds(10), "four requests in service at once");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waits));
    }

    [Theory]
    [InlineData(false, 1, 0, 3.0, 3.0)]
    [InlineData(true, 2, 1, 6.0, 3.0)]
    public async Task WaitAsync_ThreeChoices_OneSlotForTheLongestOrASlotEach(bool slotPerChoice, int active, int queued, double slotSeconds, double requestSeconds)
    {
        // Two slots, one token a second, choices of 3, 1 and 2 tokens. A slot each: choices 0 and 1 start, choice 2 takes
        // choice 1's slot at 1 s and ends at 3 s with choice 0 (6 slot-seconds); one slot: 3 s for the longest choice.
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1, MaxConcurrency = 2, SlotPerChoice = slotPerChoice }, time);

        var request = latency.WaitAsync([], 0, [3, 1, 2]);
        Assert.Equal((active, queued), (latency.Active, latency.Queued));
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => latency.Active == active && latency.Queued == 0, TimeSpan.FromSeconds(10), "choice 2 in service");
        time.Advance(TimeSpan.FromSeconds(2));
        await request;

        Assert.Equal(TimeSpan.FromSeconds(slotSeconds), latency.SlotBusyTime);
        Assert.Equal((start, start.AddSeconds(requestSeconds)), latency.Window);
        Assert.Equal(1, latency.Requests);
    }

    [Fact]
    public void ServiceTime_PrefillAndDecode_Added()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { PrefillTokensPerSecond = 1000, DecodeTokensPerSecond = 50 });

        Assert.Equal(TimeSpan.FromSeconds(0.5 + 2), latency.ServiceTime(500, 100));
        Assert.Equal(TimeSpan.Zero, SimulatedLatency.None.ServiceTime(500, 100));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => latency.WaitAsync(0, 100, cts.Token));
        Assert.Equal(0, latency.Active);
    }
}
