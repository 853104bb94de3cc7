using System.Text.Json;
using Agents.Core.Magicore;
using Agents.Core.Tracing;

namespace Agents.Core.Tests.Tracing;

public sealed class TraceDataTests
{
    [Fact]
    public void Scores_FullPrecisionAndAnswerlessChainsStoreZero()
    {
        var orm = 0.1 + 0.2; // 0.30000000000000004: a short format would lose it
        var data = TraceData.Scores([
            ScoredChain.Create("a", "12", orm, [0.9, 1.0 / 3], 0, 0),
            ScoredChain.Create("b", null, 0.25, [0.7], 0, 1),
        ]);

        var chains = JsonDocument.Parse(data).RootElement.GetProperty("scores").GetProperty("chains");
        Assert.Equal("12", chains[0].GetProperty("answer").GetString());
        Assert.Equal(orm, chains[0].GetProperty("orm").GetDouble());
        Assert.Equal([0.9, 1.0 / 3], chains[0].GetProperty("prm").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal(JsonValueKind.Null, chains[1].GetProperty("answer").ValueKind);
        Assert.Equal([0.0], chains[1].GetProperty("prm").EnumerateArray().Select(p => p.GetDouble()));
    }

    [Fact]
    public void Classification_NaNQIsNullAndEveryFieldPresent()
    {
        var classification = new Classification(null, 0, double.NaN, true, 1.2, 0.4, 0.46, double.NaN, false);

        var data = TraceData.Classification(2, classification, new DatasetStatistics(1.25, 0.5));

        Assert.Equal(
            """{"classification":{"iteration":2,"hard":false,"majority":null,"q":null,"cond1":true,"conf_orm":0.46,"conf_prm":null,"mu":1.25,"sigma":0.5}}""",
            data);
    }

    [Fact]
    public void DecisionInstructionVerdict_ShapesOfTheContract()
    {
        Assert.Equal("""{"decision":{"answer":"7"}}""", TraceData.Decision("7"));
        Assert.Equal("""{"decision":{"answer":null}}""", TraceData.Decision(" "));
        Assert.Equal("""{"instruction":{"decision":"refresh","agreed":false}}""", TraceData.Instruction("refresh", false));
        Assert.Equal("""{"verdict":{"step":3,"verdict":"invalid"}}""", TraceData.Verdict(3, "invalid"));
    }
}
