using Agents.Core.Answers;

namespace Agents.Core.Tests.Answers;

public sealed class LatexEvaluatorTests
{
    [Theory]
    [InlineData("42", 42)]
    [InlineData("-3.5", -3.5)]
    [InlineData(".25", 0.25)]
    [InlineData("1+2*3", 7)]
    [InlineData("(1+2)*3", 9)]
    [InlineData("2^10", 1024)]
    [InlineData("2^{3}", 8)]
    [InlineData("2^3^2", 512)]
    [InlineData("-2^2", -4)]
    [InlineData("\\frac{1}{2}", 0.5)]
    [InlineData("\\dfrac{3}{4}", 0.75)]
    [InlineData("\\tfrac{1}{4}", 0.25)]
    [InlineData("\\frac12", 0.5)]
    [InlineData("\\frac{\\sqrt{3}}{2}", 0.8660254037844386)]
    [InlineData("\\sqrt{16}", 4)]
    [InlineData("\\sqrt2", 1.4142135623730951)]
    [InlineData("\\sqrt[3]{27}", 3)]
    [InlineData("\\sqrt[3]{-8}", -2)]
    [InlineData("3\\sqrt{2}", 4.242640687119286)]
    [InlineData("2\\pi", 6.283185307179586)]
    [InlineData("\\frac{\\pi}{2}", 1.5707963267948966)]
    [InlineData("6 \\cdot 7", 42)]
    [InlineData("6\\times 7", 42)]
    [InlineData("84 \\div 2", 42)]
    [InlineData("50\\%", 0.5)]
    [InlineData("5!", 120)]
    [InlineData("\\left( 1 + 2 \\right)^2", 9)]
    [InlineData("2(3+4)", 14)]
    [InlineData("2 1/2", 2.5)]
    [InlineData("-2\\frac{1}{2}", -2.5)]
    [InlineData("{1 \\over 1}+1", double.NaN)]
    [InlineData("sqrt(4)+pi", 5.141592653589793)]
    public void TryEvaluate_Expression_ReturnsValue(string expression, double expected)
    {
        var ok = LatexEvaluator.TryEvaluate(expression, out var value);
        if (double.IsNaN(expected))
        {
            Assert.False(ok);
            return;
        }

        Assert.True(ok, expression);
        Assert.Equal(expected, value, 9);
    }

    [Theory]
    [InlineData("x+1")]
    [InlineData("\\frac{1}{0")]
    [InlineData("(1+2")]
    [InlineData("1+")]
    [InlineData("\\unknown{3}")]
    [InlineData("\\sqrt")]
    [InlineData("1 2")]
    [InlineData("")]
    public void TryEvaluate_Malformed_ReturnsFalse(string expression) => Assert.False(LatexEvaluator.TryEvaluate(expression, out _));

    [Fact]
    public void TryEvaluate_DeepNesting_FailsWithoutOverflow()
    {
        var deep = new string('(', 5000) + "1" + new string(')', 5000);
        Assert.False(LatexEvaluator.TryEvaluate(deep, out _));
        var nested = string.Concat(Enumerable.Repeat("\\frac{1}{", 200)) + "2" + new string('}', 200);
        Assert.False(LatexEvaluator.TryEvaluate(nested, out _));
    }

    [Fact]
    public void TryEvaluate_Variables_SameValueForSameLetterAndPoint()
    {
        Assert.True(LatexEvaluator.TryEvaluate("2x+2", 0, out var a, out var sawA));
        Assert.True(LatexEvaluator.TryEvaluate("2(x+1)", 0, out var b, out _));
        Assert.True(sawA);
        Assert.Equal(a, b, 12);
    }
}
