using Agents.Core.Answers;

namespace Agents.Core.Tests.Answers;

public sealed class AnswerEquivalenceTests
{
    [Theory]
    [InlineData("0.5", "\\frac{1}{2}", true)]
    [InlineData("\\dfrac{1}{2}", "\\frac{1}{2}", true)]
    [InlineData("\\tfrac12", "\\frac{1}{2}", true)]
    [InlineData("1/2", "\\frac{1}{2}", true)]
    [InlineData("\\frac12", "\\frac{1}{2}", true)]
    [InlineData("50\\%", "50", true)]
    [InlineData("10\\text{ cm}", "10", true)]
    [InlineData("(1,2)", "(1, 2)", true)]
    [InlineData("x = 5", "5", true)]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "\\left( 3, \\frac{\\pi}{2} \\right)", true)]
    [InlineData("90^\\circ", "90", true)]
    [InlineData("\\sqrt3", "\\sqrt{3}", true)]
    [InlineData(".5", "0.5", true)]
    [InlineData("10\\text{ units}\\text{ more}", "10\\text{ units}\\text{ more}", true)]
    [InlineData("0.25", "\\frac{1}{2}", false)]
    [InlineData("\\frac{2}{4}", "\\frac{1}{2}", false)]
    [InlineData("3.0", "3", false)]
    [InlineData("[1,2)", "(1,2)", false)]
    [InlineData("10\\text{ units}", "100 ", false)]
    [InlineData("1,000", "1000", false)]
    public void AreEquivalent_Hendrycks_MatchesIsEquiv(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, AnswerEquivalence.AreEquivalent(prediction, gold, EquivalenceMode.Hendrycks));

    [Theory]
    [InlineData("0.5", "\\frac{1}{2}", true)]
    [InlineData("\\dfrac{3}{4}", "0.75", true)]
    [InlineData("\\frac{2}{4}", "\\frac{1}{2}", true)]
    [InlineData("50\\%", "50", true)]
    [InlineData("50%", "50", true)]
    [InlineData("10 cm", "10", true)]
    [InlineData("10\\text{ cm}^2", "10", true)]
    [InlineData("\\$1,234", "1234", true)]
    [InlineData("1,234.5", "1234.5", true)]
    [InlineData("3.0", "3", true)]
    [InlineData("18.0", "18", true)]
    [InlineData("(1,2)", "(1, 2)", true)]
    [InlineData("(1, \\frac{9}{2})", "(1,4.5)", true)]
    [InlineData("x = \\frac{1}{3}", "0.3333", true)]
    [InlineData("3\\sqrt{2}", "\\sqrt{18}", true)]
    [InlineData("2\\pi", "6.2832", true)]
    [InlineData("\\frac{\\pi}{2}", "1.5708", true)]
    [InlineData("2\\frac{1}{2}", "\\frac{5}{2}", true)]
    [InlineData("45^\\circ", "45", true)]
    [InlineData("11,\\! 111,\\! 100", "11111100", true)]
    [InlineData("\\text{E}", "E", true)]
    [InlineData("x \\leq 5", "5 \\geq x", true)]
    [InlineData("2x+2", "2(x+1)", true)]
    [InlineData("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", true)]
    [InlineData("12345678901", "12345678900", true)]
    [InlineData("1,2", "12", false)]
    [InlineData("32, 349", "32349", false)]
    [InlineData("[1,2)", "(1,2)", false)]
    [InlineData("(2,4)", "(4,2)", false)]
    [InlineData("(1,2)", "(1,2,3)", false)]
    [InlineData("0.52", "0.5", false)]
    [InlineData("x \\leq 5", "x \\geq 5", false)]
    [InlineData("2x+1", "2(x+1)", false)]
    [InlineData("7", "8", false)]
    [InlineData("2m", "2", false)]
    [InlineData("\\frac{1}{0}", "1", false)]
    public void AreEquivalent_Numeric_ValueWithinTolerance(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, AnswerEquivalence.AreEquivalent(prediction, gold, EquivalenceMode.Numeric));

    [Theory]
    [InlineData("\\frac{1}{2}", "\\frac{1}{2}", true)]
    [InlineData("\\dfrac{1}{2}", "\\frac{1}{2}", true)]
    [InlineData("0.5", "\\frac{1}{2}", true)]
    [InlineData("3.0", "3", true)]
    [InlineData("\\text{(C)}", "(C)", true)]
    [InlineData("10 cm", "10", true)]
    [InlineData("45^\\circ", "45", true)]
    [InlineData("90 degrees", "90", true)]
    [InlineData("5\\%", "5", true)]
    [InlineData("\\$18.90", "18.90", true)]
    [InlineData("5 meters", "5", true)]
    [InlineData("1,000", "1000", true)]
    [InlineData("(1,2)", "(1, 2)", true)]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\frac{\\pi}{2})", true)]
    [InlineData("\\sqrt{8}", "2\\sqrt{2}", true)]
    [InlineData("1 \\frac{1}{2}", "\\frac{3}{2}", true)]
    [InlineData("Evelyn", "\\text{Evelyn}", true)]
    [InlineData("\\frac{2}{4}", "\\frac{1}{2}", false)]
    [InlineData("\\frac{6}{2}", "3", false)]
    [InlineData("3.5", "3", false)]
    [InlineData("[1,2)", "(1,2)", false)]
    [InlineData("(2,4)", "(4,2)", false)]
    [InlineData("0.3333", "\\frac{1}{3}", false)]
    [InlineData("32, 349", "32349", true)] // grader.py drops spaces, then "32,349" is a well-formed thousands number.
    public void AreEquivalent_Prm800k_FollowsGrader(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, AnswerEquivalence.AreEquivalent(prediction, gold, EquivalenceMode.Prm800k));

    [Theory]
    [InlineData(EquivalenceMode.Numeric)]
    [InlineData(EquivalenceMode.Hendrycks)]
    [InlineData(EquivalenceMode.Prm800k)]
    public void AreEquivalent_NullOrBlankPrediction_IsNeverCorrect(EquivalenceMode mode)
    {
        Assert.False(AnswerEquivalence.AreEquivalent(null, "", mode));
        Assert.False(AnswerEquivalence.AreEquivalent("", "", mode));
        Assert.False(AnswerEquivalence.AreEquivalent("  ", "  ", mode));
        Assert.False(AnswerEquivalence.AreEquivalent("5", null, mode));
    }

    [Theory]
    [InlineData(EquivalenceMode.Numeric)]
    [InlineData(EquivalenceMode.Hendrycks)]
    [InlineData(EquivalenceMode.Prm800k)]
    public void AreEquivalent_HostileInput_ReturnsQuicklyWithoutThrowing(EquivalenceMode mode)
    {
        string[] inputs =
        [
            "\\frac", "\\sqrt", "\\frac{", "}{", "\\text{ a}\\text{ b}\\text{ c}", "((((((", "^^^^", "\\sqrt[", "1/0",
            new string('(', 3000) + "1", string.Concat(Enumerable.Repeat("\\frac{1}{", 500)), new string('9', 400) + "!",
        ];
        foreach (var a in inputs)
        {
            foreach (var b in inputs)
            {
                _ = AnswerEquivalence.AreEquivalent(a, b, mode);
            }
        }
    }

    [Fact]
    public void Normalize_EquivalentForms_ShareOneKey()
    {
        Assert.Equal(AnswerEquivalence.Normalize("\\dfrac{1}{2}"), AnswerEquivalence.Normalize("0.5"));
        Assert.Equal("\\frac{1}{2}", AnswerEquivalence.Normalize("1/2"));
        Assert.Equal("\\sqrt{3}", AnswerEquivalence.Normalize("\\sqrt3"));
    }

    [Theory]
    [InlineData("numeric", EquivalenceMode.Numeric)]
    [InlineData("Hendrycks", EquivalenceMode.Hendrycks)]
    [InlineData("PRM800K", EquivalenceMode.Prm800k)]
    public void Parse_KnownName_RoundTripsThroughName(string name, EquivalenceMode expected)
    {
        Assert.Equal(expected, EquivalenceModes.Parse(name));
        Assert.Equal(expected, EquivalenceModes.Parse(EquivalenceModes.Name(expected)));
    }

    [Fact]
    public void Parse_UnknownName_ThrowsNamingValidValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => EquivalenceModes.Parse("sympy"));
        Assert.Contains("numeric, hendrycks, prm800k", ex.Message, StringComparison.Ordinal);
    }
}
