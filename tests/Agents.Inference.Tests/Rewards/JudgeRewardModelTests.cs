using Agents.Core.Prompts;
using Agents.Inference.Rewards;
using Agents.Inference.Serving;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Tests.Rewards;

public sealed class JudgeRewardModelTests
{
    private static readonly string[] ThreeSteps = ["Step 1: 3 + 2 = 5.", "Step 2: 5 * 2 = 10.", "Step 3: The answer is \\boxed{10}."];

    private static RewardRequest Request(string question, bool hasAnswer = true) =>
        new(question, string.Join("\n", ThreeSteps), ThreeSteps, hasAnswer, Seed: 9);

    [Theory]
    [InlineData("WELL", new[] { 0.9, 0.3, 1.0 }, 0.8, 0)]
    [InlineData("PARTIAL", new[] { 0.9, 0.5, 0.7 }, 0.5, 2)]
    [InlineData("GARBAGE", new[] { 0.5, 0.5, 0.5 }, 0.5, 4)]
    public async Task ScoreAsync_ScriptedJudgeThroughSimServer_ScoresAndFailures(string question, double[] steps, double outcome, int failures)
    {
        var judge = new ScriptedJudge();
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next(), ModelName = "judge" }, judge);
        using var services = Build();
        var model = services.GetRequiredService<IRewardModelRegistry>().Resolve("judge:" + server.ModelSpec);

        var scores = await model.ScoreAsync(Request(question), CancellationToken.None);

        Assert.Equal(steps, scores.StepScores);
        Assert.Equal(outcome, scores.Outcome, 12);
        Assert.Equal(failures, scores.Failures);
        Assert.Equal(1, scores.Usage.Calls);
        Assert.Equal(1, scores.OrmUsage.Calls);
        Assert.True(scores.Usage.PromptTokens > 0);
        Assert.Equal(1, server.Stats.Completed);
        var prompt = Assert.Single(judge.Prompts);
        Assert.Contains("Step 3: SCORE", prompt, StringComparison.Ordinal);
        Assert.Contains("[Step 2]\nStep 2: 5 * 2 = 10.", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_NoAnswer_AsksOnlyForOverall()
    {
        var judge = new ScriptedJudge();
        var reward = new JudgeRewardModel(judge, PromptTemplates.Defaults);

        var scores = await reward.ScoreAsync(Request("WELL", hasAnswer: false), CancellationToken.None);

        Assert.Empty(scores.StepScores);
        Assert.Equal(0.8, scores.Outcome, 12);
        Assert.Equal(0, scores.Failures);
        Assert.DoesNotContain("Step 1: SCORE", Assert.Single(judge.Prompts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_JudgeOnSimulatedModel_NeverThrowsAndCountsFailures()
    {
        using var services = Build();
        var model = services.GetRequiredService<IRewardModelRegistry>().Resolve("judge:sim");

        var scores = await model.ScoreAsync(Request("Mia has 3 apples."), CancellationToken.None);

        Assert.Equal(4, scores.Failures);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, scores.StepScores);
    }

    [Theory]
    [InlineData("Step 1: 0.9\nStep 2: 0.2\nOverall: 0.7", new[] { 0.9, 0.2 }, 0.7, 0)]
    [InlineData("**Step 1:** 8/10\n**Step 2:** 30%\n**Overall score:** 9", new[] { 0.8, 0.3 }, 0.9, 0)]
    [InlineData("Step 1 - correct, score 1\nStep 2: .4 (the sum is off)\nFinal answer: 0.25", new[] { 1.0, 0.4 }, 0.25, 0)]
    [InlineData("Step 1: 3 + 2 = 5\nStep 2: 7\nOverall: 0.6", new[] { 0.5, 0.7 }, 0.6, 1)]
    [InlineData("Step 1: 0.9\nStep 1: 0.1\nStep 2: 42\nStep 3: 0.3\nOverall: -1", new[] { 0.9, 0.5 }, 0.5, 2)]
    [InlineData("", new[] { 0.5, 0.5 }, 0.5, 3)]
    [InlineData(null, new[] { 0.5, 0.5 }, 0.5, 3)]
    public void Parse_Replies_ReadLenientlyAndCountGaps(string? reply, double[] steps, double outcome, int failures)
    {
        var verdict = JudgePrompt.Parse(reply, 2, wantsOutcome: true, neutral: 0.5);

        Assert.Equal(steps, verdict.StepScores);
        Assert.Equal(outcome, verdict.Outcome, 12);
        Assert.Equal(failures, verdict.Failures);
    }

    private static ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:Models:Retry:MaxRetryAttempts"] = "0",
            ["Agents:Models:AllowClientSpecs"] = "true", // the test is the operator of its judge server
        }).Build();
        return new ServiceCollection().AddSingleton(PromptTemplates.Defaults).AddModelBackends(configuration).AddRewardModels(configuration).BuildServiceProvider(validateScopes: true);
    }

    /// <summary>Answers a judge prompt by the question it names: WELL (every score), PARTIAL (steps missing), anything else garbage.</summary>
    private sealed class ScriptedJudge : IChatClient
    {
        private readonly List<string> _prompts = [];

        public IReadOnlyList<string> Prompts
        {
            get
            {
                lock (_prompts)
                {
                    return [.. _prompts];
                }
            }
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var prompt = messages.Last().Text;
            lock (_prompts)
            {
                _prompts.Add(prompt);
            }

            var reply = prompt.Contains("\nWELL\n", StringComparison.Ordinal)
                ? "Step 1: 0.9\nStep 2: 3/10\nStep 3: 10/10\nOverall: 0.8"
                : prompt.Contains("\nPARTIAL\n", StringComparison.Ordinal)
                    ? "Here is my grading.\nStep 1: 0.9\nStep 3: 7\nThe overall solution looks fine."
                    : "I think the solution is mostly fine!";
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
