using System.Diagnostics;
using Agents.Core.Solving;
using Agents.Inference.Backends;
using Agents.Inference.Resilience;
using Agents.Inference.Sampling;
using Agents.Inference.Serving;
using Agents.Inference.Tests.Fakes;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Agents.Inference.Tests;

public sealed class OpenAICompatibleChatClientTests
{
    private const string Key = "sk-agents-test-TOPSECRET-4242";
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.System, "Solve step by step."), new(ChatRole.User, "What is 6 * 7?")];

    private static ModelRetryOptions FastRetry(int attempts = 5) => new()
    {
        MaxRetryAttempts = attempts,
        BaseDelay = TimeSpan.FromMilliseconds(2),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    private static async Task<SimServer> StartServerAsync(SimServerOptions options, IChatClient? model = null)
    {
        options.Port = FreePort.Next();
        return await SimServer.StartAsync(options, model ?? new SeededEchoChatClient(multiChoice: true));
    }

    private static OpenAICompatibleChatClient Client(SimServer server, ModelRetryOptions? retry = null, string apiKey = OpenAICompatibleOptions.NoKey, ILogger? logger = null) =>
        new(new OpenAICompatibleOptions { Endpoint = server.ApiBase, Model = "sim", ApiKey = apiKey, Retry = retry ?? FastRetry() }, logger);

    [Fact]
    public async Task GetChoicesAsync_NChoices_ReadsAllChoicesSeedAndUsage()
    {
        await using var server = await StartServerAsync(new SimServerOptions());
        using var client = Client(server);

        var result = await client.GetChoicesAsync(Prompt, new ChatOptions { Seed = 1234, Temperature = 0.7f, MaxOutputTokens = 256 }, 5, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => SeededEchoChatClient.Answer(Prompt, SampleSeed.ForChoice(1234, i))), result.Choices);
        Assert.Equal(10, result.PromptTokens);
        Assert.Equal(25, result.CompletionTokens);
        var seen = Assert.Single(server.Stats.Recent);
        Assert.Equal(new SimRequestRecord("sim", 5, 1234, 256, 0.7), seen with { Temperature = Math.Round(seen.Temperature!.Value, 3) });
    }

    [Fact]
    public async Task GetResponseAsync_Plain_SendsSeedAndReportsUsage()
    {
        await using var server = await StartServerAsync(new SimServerOptions());
        using var client = Client(server);

        var response = await client.GetResponseAsync(Prompt, new ChatOptions { Seed = 77, MaxOutputTokens = 64 });

        Assert.Equal(SeededEchoChatClient.Answer(Prompt, 77), response.Text);
        Assert.Equal(10, response.Usage?.InputTokenCount);
        Assert.Equal(5, response.Usage?.OutputTokenCount);
        Assert.Equal(new SimRequestRecord("sim", 1, 77, 64, null), server.Stats.Recent.Single());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SampleAsync_ThroughServer_SameTextsAsModelDirectly(bool preferN)
    {
        var model = new SeededEchoChatClient(multiChoice: true);
        await using var server = await StartServerAsync(new SimServerOptions(), model);
        using var client = Client(server);

        var remote = await client.SampleAsync(Prompt, new ChatOptions { Temperature = 0.8f }, 6, 99, preferN, CancellationToken.None);
        var direct = await model.SampleAsync(Prompt, new ChatOptions { Temperature = 0.8f }, 6, 99, preferN, CancellationToken.None);

        Assert.Equal(direct.Texts, remote.Texts);
        Assert.Equal(preferN ? SampleBatch.MethodN : SampleBatch.MethodParallel, remote.Method);
        Assert.Equal(preferN ? 1 : 6, remote.Usage.Calls);
        Assert.Equal(6, remote.Usage.Samples);
        Assert.Equal(direct.Usage, remote.Usage);
    }

    [Theory]
    [InlineData(0.3, 0.0)]
    [InlineData(0.0, 0.3)]
    [InlineData(0.15, 0.15)]
    public async Task SampleAsync_TransientFaults_RetriedUntilEverySampleSucceeds(double rate429, double rate500)
    {
        await using var server = await StartServerAsync(new SimServerOptions { FailureRate429 = rate429, FailureRate500 = rate500, FaultSeed = 3 });
        using var client = Client(server, FastRetry(attempts: 10));
        var expected = await new SeededEchoChatClient(true).SampleAsync(Prompt, new ChatOptions(), 24, 5, false, CancellationToken.None);

        var batch = await client.SampleAsync(Prompt, new ChatOptions(), 24, 5, preferN: false, CancellationToken.None);

        Assert.Equal(expected.Texts, batch.Texts);
        var faults = server.Stats.Faults429 + server.Stats.Faults500;
        Assert.True(batch.Usage.Retries > 0, "expected retries at a 30% fault rate");
        Assert.Equal(faults, batch.Usage.Retries);
        Assert.Equal(faults, client.TotalRetries);
        Assert.Equal(24, batch.Usage.Calls);
        Assert.Equal(24, server.Stats.Completed);
    }

    [Fact]
    public async Task GetChoicesAsync_Permanent500_ThrowsModelBackendExceptionAfterCap()
    {
        await using var server = await StartServerAsync(new SimServerOptions { FailureRate500 = 1 });
        using var client = Client(server, FastRetry(attempts: 3));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetChoicesAsync(Prompt, new ChatOptions { Seed = 1 }, 2, CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(4, ex.Attempts);
        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(4, server.Stats.Requests);
        Assert.Contains(server.ApiBase.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("model sim", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4 attempt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_WrongKey_FailsAtOnceWithClearMessage()
    {
        await using var server = await StartServerAsync(new SimServerOptions { ApiKey = "the-right-key" });
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var client = Client(server, apiKey: Key, logger: factory.CreateLogger<OpenAICompatibleChatClient>());

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetResponseAsync(Prompt, new ChatOptions { Seed = 1 }));

        Assert.Equal(1, server.Stats.Requests);
        Assert.Equal(0, client.TotalRetries);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal(1, ex.Attempts);
        Assert.Equal($"openai backend {server.ApiBase}: authentication failed (HTTP 401 invalid_api_key); set AGENTS_OPENAI_API_KEY", ex.Message);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, string.Join("\n", logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_WithKeyAndLogging_NeverExposeKey()
    {
        await using var server = await StartServerAsync(new SimServerOptions { ApiKey = Key, FailureRate429 = 0.5, FailureRate500 = 0.2, FaultSeed = 11 });
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var client = Client(server, FastRetry(attempts: 1), apiKey: Key, logger: factory.CreateLogger<OpenAICompatibleChatClient>());

        var failures = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            try
            {
                await client.GetResponseAsync(Prompt, new ChatOptions { Seed = i });
            }
            catch (ModelBackendException ex)
            {
                failures.Add(ex.ToString());
            }
        }

        Assert.NotEmpty(failures);
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, line => line.Contains("retrying", StringComparison.Ordinal));
        Assert.DoesNotContain(Key, string.Join("\n", logs.Lines.Concat(failures)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SlowServer_TimesOutAndRetries()
    {
        await using var server = await StartServerAsync(new SimServerOptions { DelayRate = 1, Delay = TimeSpan.FromSeconds(5) });
        var retry = FastRetry(attempts: 2);
        retry.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        using var client = Client(server, retry);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetResponseAsync(Prompt, new ChatOptions { Seed = 1 }));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(3, ex.Attempts);
        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, client.TotalRetries);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_ThrowsCancelledWithoutRetry()
    {
        await using var server = await StartServerAsync(new SimServerOptions { DelayRate = 1, Delay = TimeSpan.FromSeconds(5) });
        using var client = Client(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Prompt, new ChatOptions { Seed = 1 }, cts.Token));

        Assert.Equal(0, client.TotalRetries);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfter_IsHonoured()
    {
        await using var server = await StartServerAsync(new SimServerOptions { FailureRate429 = 1, RetryAfter = TimeSpan.FromSeconds(1) });
        var retry = FastRetry(attempts: 1);
        retry.MaxDelay = TimeSpan.FromMilliseconds(400);
        using var client = Client(server, retry);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetResponseAsync(Prompt));

        // Retry-After: 1 s, capped by MaxDelay at 400 ms, is far above the 2 ms base delay.
        // Measured on the real clock: the lower bound is the assertion, the upper one leaves room for a loaded machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
        Assert.Equal(429, ex.StatusCode);
    }

    [Fact]
    public async Task GetChoicesAsync_BadRequest_NotRetried()
    {
        await using var server = await StartServerAsync(new SimServerOptions { MaxChoices = 2 });
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetChoicesAsync(Prompt, null, 3, CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(1, server.Stats.Requests);
        Assert.Contains("'n' must be between 1 and 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TransportTimeout_IsRetriedAsTransient()
    {
        await using var server = await StartServerAsync(new SimServerOptions { DelayRate = 1, Delay = TimeSpan.FromSeconds(5) });
        using var client = new OpenAICompatibleChatClient(new OpenAICompatibleOptions
        {
            Endpoint = server.ApiBase,
            Model = "sim",
            NetworkTimeout = TimeSpan.FromMilliseconds(200),
            Retry = FastRetry(attempts: 1),
        });

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => client.GetResponseAsync(Prompt, new ChatOptions { Seed = 1 }));

        Assert.Equal(2, ex.Attempts);
        Assert.Equal(1, client.TotalRetries);
        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
    }
}
