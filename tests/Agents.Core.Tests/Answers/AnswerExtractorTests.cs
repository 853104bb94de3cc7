using Agents.Core.Answers;

namespace Agents.Core.Tests.Answers;

public sealed class AnswerExtractorTests
{
    [Fact]
    public void LastBoxed_NestedBraces_ReturnsWholeContent() =>
        Assert.Equal("\\frac{\\sqrt{3}}{2}", AnswerExtractor.LastBoxed("so $\\boxed{1}$ then $\\boxed{\\frac{\\sqrt{3}}{2}}$."));

    [Fact]
    public void LastBoxed_OnlyFbox_ReturnsFboxContent() =>
        Assert.Equal("42", AnswerExtractor.LastBoxed("The result is \\fbox{42}."));

    [Fact]
    public void LastBoxed_BoxedWithoutBraces_ReturnsToken() =>
        Assert.Equal("5", AnswerExtractor.LastBoxed("answer: $\\boxed 5$"));

    [Fact]
    public void LastBoxed_UnbalancedBraces_ReturnsNull() =>
        Assert.Null(AnswerExtractor.LastBoxed("\\boxed{\\frac{1}{2}"));

    [Fact]
    public void Extract_AnswerPhraseWithThousands_ReturnsDigitsOnlyAndGradingKeepsItAsWritten()
    {
        const string text = "Adding up, we get 1,234 total. The answer is 1,234.";
        Assert.Equal("1234", AnswerExtractor.Extract(text));
        Assert.Equal(new Extraction("1,234", "answer-is"), AnswerExtractor.ExtractWithRule(text));
        Assert.True(AnswerEquivalence.AreEquivalent("1,234", "1234", EquivalenceModes.Default));
    }

    [Fact]
    public void Extract_Gsm8kTailWithCommas_ReturnsDigitsOnly() =>
        Assert.Equal("1200000", AnswerExtractor.Extract("She earns 1,200,000 a year.\n#### 1,200,000"));

    [Fact]
    public void Extract_BoxedAndPhrase_PrefersBoxed() =>
        Assert.Equal("7", AnswerExtractor.Extract("The answer is 6. Actually \\boxed{7}"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("I am not sure what the result should be.")]
    public void Extract_NoAnswer_ReturnsNull(string? text) => Assert.Null(AnswerExtractor.Extract(text));

    [Fact]
    public void Gsm8kGold_NegativeNumber_KeepsSign() => Assert.Equal("-3", AnswerExtractor.Gsm8kGold("#### -3"));

    [Fact]
    public void LastMath_InlineAndDisplay_ReturnsLastSpan()
    {
        Assert.Equal("9", AnswerExtractor.LastMath("First $x$ then \\[ 9 \\]"));
        Assert.Equal("\\frac{1}{3}", AnswerExtractor.LastMath("So $k = 2$ and $$\\frac{1}{3}$$"));
        Assert.Null(AnswerExtractor.LastMath("no math here"));
    }
}
