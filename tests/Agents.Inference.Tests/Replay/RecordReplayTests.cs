using Agents.Inference.Backends;
using Agents.Inference.Replay;
using Agents.Inference.Sampling;
using Agents.Inference.Serving;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Tests.Replay;

public sealed class RecordReplayTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"agents-record-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        // The test is the operator: it records from a server it started and replays its own file.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Models:AllowClientSpecs"] = "true" }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddModelBackends(configuration).BuildServiceProvider();
    }

    private static List<ChatMessage> Prompt(int i) =>
        [new(ChatRole.System, "You are a careful solver."), new(ChatRole.User, $"Problem {i}: what is {i} + {i * 3}? Reason step by step.")];

    [Fact]
    public async Task Replay_RunRecordedAgainstSimServer_GivesIdenticalSamplesAndTokens()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions(), SimulatedBackend.Create());
        var options = new ChatOptions { Temperature = 0.8f, MaxOutputTokens = 400 };
        var recorded = new List<SampleBatch>();
        using (var recording = Build(new() { ["Agents:Models:Default"] = server.ModelSpec, [ModelRegistry.RecordKey] = _file }))
        {
            var client = recording.GetRequiredService<IModelRegistry>().Resolve(server.ModelSpec);
            for (var i = 0; i < 5; i++)
            {
                recorded.Add(await client.SampleAsync(Prompt(i), options, 4, baseSeed: 100 + i, preferN: i % 2 == 0, default));
            }
        }

        using var replaying = Build(new());
        var replay = replaying.GetRequiredService<IModelRegistry>().Resolve("replay:" + _file);
        for (var i = 0; i < 5; i++)
        {
            var again = await replay.SampleAsync(Prompt(i), options, 4, baseSeed: 100 + i, preferN: i % 2 == 0, default);

            Assert.Equal(recorded[i].Texts, again.Texts);
            Assert.Equal(recorded[i].Usage.PromptTokens, again.Usage.PromptTokens);
            Assert.Equal(recorded[i].Usage.CompletionTokens, again.Usage.CompletionTokens);
            Assert.Equal(recorded[i].Usage.Samples, again.Usage.Samples);
        }

        Assert.Equal(20, File.ReadAllLines(_file).Length);
    }

    [Fact]
    public async Task Replay_NChoicesRecordedAsParallel_ServesSameSamples()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions(), SimulatedBackend.Create());
        var options = new ChatOptions { Temperature = 0.8f };
        SampleBatch recorded;
        using (var recording = Build(new() { [ModelRegistry.RecordKey] = _file }))
        {
            recorded = await recording.GetRequiredService<IModelRegistry>().Resolve(server.ModelSpec)
                .SampleAsync(Prompt(1), options, 3, baseSeed: 9, preferN: false, default);
        }

        using var replaying = Build(new());
        var again = await replaying.GetRequiredService<IModelRegistry>().Resolve("replay:" + _file)
            .SampleAsync(Prompt(1), options, 3, baseSeed: 9, preferN: true, default);

        Assert.Equal(recorded.Texts, again.Texts);
        Assert.Equal(recorded.Usage.CompletionTokens, again.Usage.CompletionTokens);
    }

    [Fact]
    public async Task Replay_UnseenRequest_FailsNamingTheRequest()
    {
        using (var recording = Build(new() { [ModelRegistry.RecordKey] = _file }))
        {
            await recording.GetRequiredService<IModelRegistry>().Resolve("sim").GetResponseAsync(Prompt(1), new ChatOptions { Seed = 1 });
        }

        using var replaying = Build(new());
        var replay = replaying.GetRequiredService<IModelRegistry>().Resolve("replay:" + _file);

        var seen = await replay.GetResponseAsync(Prompt(1), new ChatOptions { Seed = 1 });
        var otherSeed = await Assert.ThrowsAsync<ModelBackendException>(() => replay.GetResponseAsync(Prompt(1), new ChatOptions { Seed = 2 }));
        var otherPrompt = await Assert.ThrowsAsync<ModelBackendException>(() => replay.GetResponseAsync(Prompt(2), new ChatOptions { Seed = 1 }));

        Assert.False(string.IsNullOrEmpty(seen.Text));
        Assert.Contains("no recorded response", otherSeed.Message, StringComparison.Ordinal);
        Assert.Contains(_file, otherPrompt.Message, StringComparison.Ordinal);
        Assert.Contains("Problem 2", otherPrompt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_CorruptLine_FailsWithFileAndLine()
    {
        File.WriteAllLines(_file, ["{\"request\":\"a\",\"sample\":\"i:0\",\"text\":\"x\",\"n\":1,\"prompt_tokens\":1,\"completion_tokens\":1}", "not json"]);

        var error = Assert.Throws<InvalidDataException>(() => new ReplayChatClient(_file));

        Assert.Contains($"{_file}:2", error.Message, StringComparison.Ordinal);
    }
}
