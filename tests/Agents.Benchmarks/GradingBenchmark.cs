using System.Diagnostics;
using Agents.Core.Grading;

namespace Agents.Benchmarks;

/// <summary>
/// Grading throughput: (response, gold) pairs through <see cref="AnswerGrader.Grade"/> in the default mode (extraction,
/// normalisation, parsing and comparison), on every core, reported as <c>grading_pairs_per_second</c>.
/// </summary>
internal static class GradingBenchmark
{
    // A mix of the shapes real outputs take: GSM8K and Minerva endings, boxed fractions, sets, tuples, intervals, matrices,
    // relations, expressions, units and thousands separators; two of them are wrong (15 for 16, 5.01 for 5).
    private static readonly (string Response, string Gold)[] Pairs =
    [
        ("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether.\n#### 72", "72"),
        ("So she pays 3 * 5 = 15 dollars. The answer is 15.", "16"),
        ("Final Answer: The final answer is 143. I hope it is correct.", "143"),
        ("Therefore, the total is $\\boxed{\\frac{14}{3}}$.", "\\frac{14}{3}"),
        ("We get $\\boxed{0.3333}$.", "\\frac{1}{3}"),
        ("The roots are $\\boxed{1 \\pm \\sqrt{5}}$.", "1+\\sqrt{5}, 1-\\sqrt{5}"),
        ("The solution set is $\\boxed{[-1, 2) \\cup (3, \\infty)}$.", "[-1,2)\\cup(3,\\infty)"),
        ("So the point is $\\boxed{(3, \\frac{\\pi}{2})}$.", "\\left( 3, \\frac{\\pi}{2} \\right)"),
        ("Hence $\\boxed{\\begin{pmatrix} -\\frac{1}{3} \\\\ \\frac{2}{3} \\end{pmatrix}}$.", "\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}"),
        ("Thus $x \\geq 5$ is the answer.", "5 \\leq x"),
        ("The line is $y=-\\frac{1}{2}x+\\frac{3}{4}$.", "2x+4y-3=0"),
        ("We simplify to $\\boxed{\\sec^2 y}$.", "\\tan^2 y + 1"),
        ("**Answer:** Verna received $7.00 in change.", "7"),
        ("So, it took James 2 hours to walk to the store.", "2"),
        ("The total is $\\boxed{7,425,000}$ dollars.", "7425000"),
        ("The price is \\$5.01.", "5"),
        ("The answer is $\\boxed{28\\%}$.", "0.28"),
        ("Therefore $k = 45$.", "45"),
        ("The distance is $\\boxed{125\\textnormal{ miles}}$.", "125"),
        ("So the set is $\\boxed{\\{-2, 1, 3\\}}$.", "3, -2, 1"),
    ];

    public static Dictionary<string, double> Run(bool quick, TextWriter log)
    {
        var seconds = quick ? 1.0 : 3.0;

        // Warm up (JIT, regex construction), then check the verdicts so the timed loop grades what it should.
        var verdicts = Pairs.Select(p => AnswerGrader.Grade(p.Response, p.Gold).Correct).ToArray();
        var wrong = verdicts.Count(v => !v);
        var workers = Environment.ProcessorCount;
        var counts = new long[workers];
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            long n = 0;
            var i = w;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var (response, gold) = Pairs[i++ % Pairs.Length];
                _ = AnswerGrader.Grade(response, gold);
                n++;
            }

            counts[w] = n;
        });
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var rate = counts.Sum() / wall;

        // On a shared host the wall-clock rate reflects the other load; pairs per CPU-second is what one core does.
        log.WriteLine($"   {counts.Sum()} pairs in {wall:F1} s on {workers} workers ({cpu:F2} CPU-seconds); {Pairs.Length - wrong}/{Pairs.Length} of the mix graded equal");
        return new()
        {
            ["grading_pairs_per_second"] = Math.Round(rate, 0),
            ["grading_pairs_per_cpu_second"] = Math.Round(cpu > 0 ? counts.Sum() / cpu : 0, 0),
        };
    }
}
