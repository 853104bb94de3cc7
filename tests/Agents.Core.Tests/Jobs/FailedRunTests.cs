using Agents.Contracts.Problems;
using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class FailedRunTests
{
    [Fact]
    public void For_ProblemWithGold_IncorrectFailedRowWithThePhase()
    {
        var result = FailedRun.For(new Problem("p7", "q", "42", "synth", line: 9), "magicore", 2, "attempt 3/3: HttpRequestException: 500");

        Assert.Equal(("p7", "magicore", "42", "failed"), (result.ProblemId, result.Strategy, result.Gold, result.Status));
        Assert.Null(result.Answer);
        Assert.False(result.Correct);
        Assert.Equal("attempt 3/3: HttpRequestException: 500", result.Error);
        Assert.Equal(9, result.Line);
        Assert.Equal(0, result.Usage.Calls);
        Assert.Empty(result.RoundAnswers);
        Assert.Equal("2", Assert.Single(result.Details, d => d.Key == "failed_in_phase").Value);
    }

    [Fact]
    public void For_ProblemWithoutGold_CorrectUnknown()
    {
        Assert.Null(FailedRun.For(new Problem("p", "q", null, "generic"), "cot", 0, null).Correct);
    }

    [Fact]
    public void Describe_MultiLineMessage_AttemptTypeAndFirstLine()
    {
        var error = FailedRun.Describe(2, 5, new InvalidOperationException("  backend said no \nstack\nmore"));

        Assert.Equal("attempt 2/5: InvalidOperationException: backend said no", error);
    }
}
