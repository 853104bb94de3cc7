using System.Diagnostics;
using System.Text;
using Agents.Core.Answers;
using Agents.Core.Grading;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Grading;

/// <summary>Adversarial answers (deep nesting, huge exponents, long <c>\frac</c> chains, megabyte strings) are graded quickly and never crash.</summary>
/// <remarks>Each answer is graded three ways: as a response against 42, as a bare answer against itself, and as the gold for a boxed 7.</remarks>
public sealed class HostileAnswerTests(ITestOutputHelper output)
{
    // Per pair, including extraction from a 1 MB response; the comparison itself is capped at 200 ms.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public void ThousandGeneratedHostileAnswers_EachGradedWithinBound_NoneCrashesOrMatchesWrongly()
    {
        var random = new Random(20261202);
        var slowest = TimeSpan.Zero;
        var slowestKind = "";
        var total = Stopwatch.StartNew();
        var correct = 0;
        for (var i = 0; i < 1000; i++)
        {
            var (kind, answer) = Generate(i, random);
            var clock = Stopwatch.StartNew();
            var asResponse = AnswerGrader.Grade(answer, "42");
            var asBare = AnswerGrader.Grade(answer, answer.Length > 5000 ? "42" : answer, EquivalenceModes.Default, responseIsBareAnswer: true);
            var asGold = AnswerGrader.Grade("$\\boxed{7}$", answer);
            clock.Stop();
            if (clock.Elapsed > slowest)
            {
                slowest = clock.Elapsed;
                slowestKind = kind;
            }

            Assert.True(clock.Elapsed < Bound, $"{kind} answer #{i} ({answer.Length} chars) took {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.NotNull(asResponse.DecidedBy);
            Assert.NotNull(asBare.DecidedBy);
            Assert.False(asGold.Correct, $"{kind} answer #{i} graded equal to 7");
            correct += asResponse.Correct ? 1 : 0;
        }

        output.WriteLine($"figure: grading hostile answers 1000 graded in {total.Elapsed.TotalSeconds:F2} s, slowest {slowest.TotalMilliseconds:F0} ms ({slowestKind}), bound {Bound.TotalMilliseconds:F0} ms, crashes 0");
        Assert.Equal(0, correct);
    }

    private static (string Kind, string Answer) Generate(int i, Random random) => (i % 10) switch
    {
        0 => ("deep braces", Repeat("{", 200 + random.Next(5000)) + "1" + Repeat("}", 200 + random.Next(5000))),
        1 => ("deep parens", "\\boxed{" + Repeat("(", 500 + random.Next(2000)) + "x" + Repeat(")", 500) + "}"),
        2 => ("huge exponent", $"$10^{{10^{{10^{{{random.Next(100, 99999)}}}}}}}$ and $9^{{9^{{9^9}}}}$"),
        3 => ("frac chain", "\\boxed{" + string.Concat(Enumerable.Repeat("\\frac{1}{1+", 100 + random.Next(800))) + "x" + Repeat("}", 300) + "}"),
        4 => ("megabyte string", Repeat("1+", i % 100 == 4 ? 500_000 : 20_000 + random.Next(20_000)) + "1"),
        5 => ("long nested sqrt", "$" + string.Concat(Enumerable.Repeat("\\sqrt{", 300 + random.Next(300))) + "2" + Repeat("}", 600) + "$"),
        6 => ("many boxes", string.Concat(Enumerable.Range(0, 2000).Select(k => $"\\boxed{{{k}}} and "))),
        7 => ("factorial tower", "$" + Repeat("(", 50) + "170" + Repeat(")!", 50) + "$"),
        8 => ("dollar soup", Repeat("$\\", i % 100 == 8 ? 500_000 : 10_000 + random.Next(20_000))),
        _ => ("random latex", RandomLatex(random, 2000 + random.Next(20000))),
    };

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static string RandomLatex(Random random, int length)
    {
        string[] pieces = ["\\frac{", "}{", "}", "{", "(", ")", "[", "]", "\\sqrt", "^", "_", "x", "2", "9", "=", "<", ",", "\\cup", "\\pm", "\\text{", "\\begin{pmatrix}", "\\end{pmatrix}", "&", "\\\\", "$", "\\boxed{", "|", "!", "%", "e", ".", " "];
        var sb = new StringBuilder(length + 32);
        while (sb.Length < length)
        {
            sb.Append(pieces[random.Next(pieces.Length)]);
        }

        return sb.ToString();
    }
}
