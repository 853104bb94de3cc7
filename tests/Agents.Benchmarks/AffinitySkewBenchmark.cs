using System.Diagnostics;
using System.Globalization;
using System.Text;
using Agents.Contracts.Inference;
using Agents.Grains.Inference;
using Agents.Inference;
using Agents.Inference.Accounting;
using Agents.Inference.Gpu;
using Agents.Inference.Simulation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Benchmarks;

/// <summary>
/// Affinity under a skewed workload: a tenth of the problems carry ten times the context, and three in ten belong to one
/// family that shares a long common prefix. Load = each replica's slot-busy time on its simulated server.
/// </summary>
internal sealed partial class Benchmarks
{
    private async Task<Dictionary<string, double>> AffinitySkewAsync()
    {
        const int replicas = 4;
        var problems = quick ? 40 : 80;
        var turns = quick ? 4 : 5;
        var prompts = Enumerable.Range(0, problems).Select(SkewedContext).ToArray();
        var tokens = prompts.Sum(p => (long)TokenCounter.Count(p));
        var figures = new Dictionary<RoutingPolicy, (double Throughput, double HitRate, double MaxOverMean)>();
        foreach (var policy in new[] { RoutingPolicy.RoundRobin, RoutingPolicy.Affinity })
        {
            // Room for about 1.5 × each replica's share of the contexts: affinity fits, round-robin churns.
            var run = await MultiTurnAsync(policy, p => prompts[p], problems, turns, replicas, tokens * 3 / 2 / replicas, prefillTokensPerSecond: 20000);
            var busy = run.SlotBusySeconds;
            figures[policy] = (run.Throughput, run.HitRate, busy.Max() / busy.Average());
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {policy}: {figures[policy].Throughput:F1} requests/s, prefix hit rate {run.HitRate:F3}, slot-busy s per replica [{string.Join(", ", busy.Select(b => b.ToString("F2", CultureInfo.InvariantCulture)))}], max/mean {figures[policy].MaxOverMean:F3}"));
        }

        return new()
        {
            ["affinity_skew_max_over_mean"] = Math.Round(figures[RoutingPolicy.Affinity].MaxOverMean, 3),
            ["affinity_skew_over_round_robin"] = Math.Round(figures[RoutingPolicy.Affinity].Throughput / figures[RoutingPolicy.RoundRobin].Throughput, 3),
            ["affinity_skew_hit_rate"] = Math.Round(figures[RoutingPolicy.Affinity].HitRate, 4),
            ["affinity_skew_round_robin_max_over_mean"] = Math.Round(figures[RoutingPolicy.RoundRobin].MaxOverMean, 3),
        };
    }

    // Problem p's reference material: about 2,000 tokens, 20,000 for every tenth problem (p % 10 == 0), and for the
    // family (p % 10 in 1..3) a shared 4,000-token document first.
    private static string SkewedContext(int problem)
    {
        var builder = new StringBuilder();
        if (problem % 10 is >= 1 and <= 3)
        {
            var family = new Random(4242);
            for (var i = 0; i < 300; i++)
            {
                builder.Append(CultureInfo.InvariantCulture, $"shared {i}: value {family.Next(1000)} ; ");
            }
        }

        var random = new Random(problem);
        var facts = problem % 10 == 0 ? 1_500 : 150;
        for (var i = 0; i < facts; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"fact {problem}.{i}: value {random.Next(1000)} ; ");
        }

        return builder.ToString();
    }
}
