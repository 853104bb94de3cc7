using System.Text.Json;
using Agents.Api.Gateway;
using Agents.Api.Security;
using Agents.Contracts.Runs;

namespace Agents.Api.Tests;

/// <summary>The gateway's pure parts: model names, request reading, the answer text and key matching.</summary>
public sealed class GatewayPartsTests
{
    [Theory]
    [InlineData("magicore:sim", "magicore", null, "sim")]
    [InlineData("sc@8:sim", "sc", 8, "sim")]
    [InlineData("spc-search@4:llama3", "spc-search", 4, "llama3")]
    [InlineData("cot:org/model-7b.q4", "cot", null, "org/model-7b.q4")]
    public void GatewayModel_ValidName_Parsed(string name, string strategy, int? k, string baseModel)
    {
        var model = GatewayModel.TryParse(name, 128, out var error);

        Assert.Null(error);
        Assert.Equal(new GatewayModel(strategy, k, baseModel), model);
        Assert.Equal(name, model!.ToString());
    }

    [Theory]
    [InlineData("gpt-4o", "is not STRATEGY[@K]:BASE")]
    [InlineData("sc@0:sim", "K must be between 1 and 128")]
    [InlineData("sc@500:sim", "K must be between 1 and 128")]
    [InlineData("cot@3:sim", "use sc@3")]
    [InlineData("majority:sim", "unknown strategy 'majority'")]
    public void GatewayModel_InvalidName_ErrorSaysWhy(string name, string expected)
    {
        Assert.Null(GatewayModel.TryParse(name, 128, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatRequest_LastUserMessage_IsTheProblemAndUnknownFieldsAreIgnored()
    {
        using var body = JsonDocument.Parse("""
            {"model":"sc@8:sim","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"first"},
             {"role":"assistant","content":"?"},{"role":"user","content":[{"type":"text","text":"sec"},{"type":"text","text":"ond"}]}],
             "stream":true,"stream_options":{"include_usage":true},"n":2,"temperature":0.5,"seed":7,"max_tokens":300,"logit_bias":{"1":2},"user":"u"}
            """);

        var request = ChatRequest.Parse(body.RootElement, 10, 100, 4);

        Assert.Equal(new ChatRequest("sc@8:sim", "second", true, true, 2, 0.5, null, 7, 300), request);
    }

    [Fact]
    public void SolutionText_LatestSolutionWithTheAnswer_WithoutItsChainPrefix()
    {
        TranscriptEntry Entry(int seq, string kind, string text) => new(seq, "x", "run", kind, text, 0, 0, DateTimeOffset.UnixEpoch, 0);
        var transcript = new[]
        {
            Entry(0, "sample", "Step 1: 2+2=4\nThe answer is \\boxed{4}."),
            Entry(1, "sample", "Step 1: 2+2=5\nThe answer is \\boxed{5}."),
            Entry(2, "refinement", "chain 1:\nStep 1: 2+2=4, checked\nThe answer is \\boxed{4}."),
            Entry(3, "decision", "vote: \\boxed{4}"),
        };

        Assert.Equal("Step 1: 2+2=4, checked\nThe answer is \\boxed{4}.", SolutionText.For(transcript, "4"));
        Assert.Equal("The answer is \\boxed{9}.", SolutionText.For(transcript, "9"));
    }

    [Fact]
    public void ApiKeys_Match_NamesTheKeyByPositionOnly()
    {
        var keys = new ApiKeys(" alpha , beta ,");

        Assert.True(keys.Required);
        Assert.Equal("key-2", keys.Match("beta"));
        Assert.Null(keys.Match("bet"));
        Assert.Null(keys.Match(null));
        Assert.DoesNotContain("alpha", keys.ToString(), StringComparison.Ordinal);
        Assert.False(new ApiKeys("").Required);
    }

    [Fact]
    public void ApiKeys_IsCurrent_OnlyTheFingerprintOfAConfiguredKey()
    {
        var keys = new ApiKeys("alpha,beta");

        Assert.True(keys.IsCurrent(ApiKeys.Fingerprint("beta")));
        Assert.False(keys.IsCurrent(ApiKeys.Fingerprint("gamma")));
        Assert.False(keys.IsCurrent(null));
        Assert.False(new ApiKeys("alpha").IsCurrent(ApiKeys.Fingerprint("beta")));
        Assert.DoesNotContain("beta", ApiKeys.Fingerprint("beta"), StringComparison.Ordinal);
    }
}
