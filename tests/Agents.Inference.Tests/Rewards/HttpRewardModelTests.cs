using Agents.Inference.Resilience;
using Agents.Inference.Rewards;

namespace Agents.Inference.Tests.Rewards;

public sealed class HttpRewardModelTests
{
    private const string Question = "Mia has 3 apples. She gets 2 more. How many apples does Mia have now?";
    private static readonly string[] TwoSteps = ["Step 1: 3 + 2 = 5.", "Step 2: The answer is \\boxed{5}."];

    private static RewardRequest Request(bool hasAnswer = true) =>
        new(Question, string.Join("\n", TwoSteps), TwoSteps, hasAnswer, Seed: 1);

    private static ModelRetryOptions FastRetry(int attempts = 2) => new()
    {
        MaxRetryAttempts = attempts,
        BaseDelay = TimeSpan.FromMilliseconds(2),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        UseJitter = false,
    };

    private static HttpRewardModel Model(FakeRewardServer server, string? model = "prm", HttpRewardOptions? options = null, int attempts = 2) =>
        new(server.BaseAddress, model, options ?? new HttpRewardOptions { OrmModel = "orm" }, FastRetry(attempts));

    [Fact]
    public async Task ScoreAsync_WellFormed_ReadsScoresAndSendsDocumentedShape()
    {
        await using var server = await FakeRewardServer.StartAsync((request, _) => FakeRewardServer.IsOrm(request)
            ? (200, FakeRewardServer.Pooling("[0.0]", promptTokens: 30))
            : (200, FakeRewardServer.Pooling("[[0.9,0.1],[0.25,0.75]]", promptTokens: 40)));
        using var model = Model(server);

        var scores = await model.ScoreAsync(Request(), CancellationToken.None);

        Assert.Equal(new[] { 0.9, 0.25 }, scores.StepScores);
        Assert.Equal(0.5, scores.Outcome, 12);
        Assert.Equal(0.5 + 0.9 * 0.25, scores.Combined, 12);
        Assert.Equal(new(1, 0, 30, 0, 0), scores.OrmUsage);
        Assert.Equal(new(1, 0, 40, 0, 0), scores.PrmUsage);
        Assert.Equal(0, scores.Failures);

        var orm = Assert.Single(server.Requests, FakeRewardServer.IsOrm);
        Assert.Equal("orm", FakeRewardServer.Text(orm, "model"));
        Assert.Equal("user", orm["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(Question, orm["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("assistant", orm["messages"]![1]!["role"]!.GetValue<string>());
        var prm = Assert.Single(server.Requests, r => !FakeRewardServer.IsOrm(r));
        Assert.Equal("prm", FakeRewardServer.Text(prm, "model"));
        Assert.Equal($"{Question} Step 1: 3 + 2 = 5. ки\nStep 2: The answer is \\boxed{{5}}. ки", FakeRewardServer.Text(prm, "input"));
    }

    [Fact]
    public async Task ScoreAsync_ScalarStepsAndProbabilityOrm_ReadAsIs()
    {
        await using var server = await FakeRewardServer.StartAsync((request, _) => FakeRewardServer.IsOrm(request)
            ? (200, FakeRewardServer.Pooling("0.8"))
            : (200, FakeRewardServer.Pooling("[0.6, 0.7]")));
        using var model = Model(server, model: null, new HttpRewardOptions { OrmOutput = OrmOutputKind.Probability });

        var scores = await model.ScoreAsync(Request(), CancellationToken.None);

        Assert.Equal(new[] { 0.6, 0.7 }, scores.StepScores);
        Assert.Equal(0.8, scores.Outcome);
        Assert.All(server.Requests, r => Assert.False(r.ContainsKey("model")));
    }

    [Fact]
    public async Task ScoreAsync_NoAnswer_OnlyOrmRequested()
    {
        await using var server = await FakeRewardServer.StartAsync((_, _) => (200, FakeRewardServer.Pooling("[2.0]")));
        using var model = Model(server);

        var scores = await model.ScoreAsync(Request(hasAnswer: false), CancellationToken.None);

        Assert.True(FakeRewardServer.IsOrm(Assert.Single(server.Requests)));
        Assert.Empty(scores.StepScores);
        Assert.Equal(0, scores.Process);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), scores.Combined, 12);
    }

    [Theory]
    [InlineData("this is not json", "not JSON")]
    [InlineData("""{"object":"list"}""", "no \"data\" array")]
    [InlineData("""{"data":[{"index":0}]}""", "data[0] has no \"data\" field")]
    [InlineData("""{"data":[]}""", "\"data\" has 0 item(s)")]
    [InlineData("""{"data":[{"data":[[0.9,0.1]]}]}""", "1 step score(s) for 2 step(s)")]
    [InlineData("""{"data":[{"data":[[0.9,0.1],[0.8,0.2],[0.7,0.3]]}]}""", "3 step score(s) for 2 step(s)")]
    [InlineData("""{"data":[{"data":[[0.9,0.1],["NaN",0.5]]}]}""", "step score 1 is the string \"NaN\"")]
    [InlineData("""{"data":[{"data":[0.9,NaN]}]}""", "not JSON")]
    [InlineData("""{"data":[{"data":[0.9,1.5]}]}""", "outside [0, 1]")]
    [InlineData("""{"data":[{"data":[0.9,{"p":1}]}]}""", "step score 1 is object")]
    [InlineData("""{"data":[{"data":{"scores":[0.9,0.8]}}]}""", "expected an array of 2 step scores")]
    public async Task ScoreAsync_MalformedPrmBody_ThrowsClearErrorWithoutRetrying(string body, string expected)
    {
        await using var server = await FakeRewardServer.StartAsync((request, _) => FakeRewardServer.IsOrm(request)
            ? (200, FakeRewardServer.Pooling("[1.0]"))
            : (200, body));
        using var model = Model(server);

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => model.ScoreAsync(Request(), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("reward server", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests, r => !FakeRewardServer.IsOrm(r));
    }

    [Theory]
    [InlineData("""{"data":[{"data":[1.0,2.0]}]}""", "expected a number, [r] or [[r]]")]
    [InlineData("""{"data":[{"data":"high"}]}""", "the string \"high\"")]
    [InlineData("""{"data":[{"index":0}]}""", "data[0] has no \"data\" field")]
    public async Task ScoreAsync_MalformedOrmBody_ThrowsClearError(string body, string expected)
    {
        await using var server = await FakeRewardServer.StartAsync((_, _) => (200, body));
        using var model = Model(server);

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => model.ScoreAsync(Request(), CancellationToken.None));

        Assert.Contains("malformed ORM response", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_ServerErrorThenSuccess_RetriedAndCounted()
    {
        await using var server = await FakeRewardServer.StartAsync((request, n) => n == 1
            ? (500, """{"error":"busy"}""")
            : (200, FakeRewardServer.Pooling(FakeRewardServer.IsOrm(request) ? "[0.0]" : "[0.9,0.8]")));
        using var model = Model(server);

        var scores = await model.ScoreAsync(Request(), CancellationToken.None);

        Assert.Equal(new[] { 0.9, 0.8 }, scores.StepScores);
        Assert.Equal(1, scores.OrmUsage.Retries);
        Assert.Equal(1, scores.OrmUsage.Calls);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ScoreAsync_PermanentServerError_ThrowsAfterRetries()
    {
        await using var server = await FakeRewardServer.StartAsync((_, _) => (503, "overloaded"));
        using var model = Model(server, attempts: 2);

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => model.ScoreAsync(Request(), CancellationToken.None));

        Assert.Contains("failed after 3 attempt(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ScoreAsync_BadRequest_NotRetried()
    {
        await using var server = await FakeRewardServer.StartAsync((_, _) => (400, """{"error":"unknown model"}"""));
        using var model = Model(server);

        var ex = await Assert.ThrowsAsync<ModelBackendException>(() => model.ScoreAsync(Request(), CancellationToken.None));

        Assert.Contains("HTTP 400", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown model", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ScoreManyAsync_Batch_OneOrmAndPrmRequestEach()
    {
        await using var server = await FakeRewardServer.StartAsync((request, _) =>
            (200, FakeRewardServer.Pooling(FakeRewardServer.IsOrm(request) ? "[0.0]" : "[0.5,0.5]")));
        using var model = Model(server);

        var results = await model.ScoreManyAsync([.. Enumerable.Range(0, 6).Select(i => Request(hasAnswer: i % 2 == 0))], CancellationToken.None);

        Assert.Equal(6, results.Count);
        Assert.Equal(9, server.Requests.Count);
        Assert.Equal(0.75, results[0].Combined, 12);
        Assert.Equal(0.5, results[1].Combined, 12);
    }
}
