using System.Collections.Concurrent;
using System.Diagnostics;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference.Telemetry;
using Agents.Testing;

namespace Agents.Grains.Tests;

/// <summary>
/// Listens to the process-wide "Agents" source and meter, so it must not overlap other tests' runs: the collection
/// runs alone, after the parallel ones, on its own test cluster.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<ClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "telemetry";
}

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Batch_WithListeners_EmitsRunSpansModelCallSpansAndCountersMatchingTheLedger()
    {
        var problems = SyntheticProblems.Generate(3, seed: 41).ToList();
        var spec = StrategyDefaults.Create(StrategyNames.BestOfK, k: 3, seed: 5);
        using var spans = new SpanCollector();
        using var metrics = new MetricCollector(AgentsTelemetry.Name);

        var results = await fixture.Client.RunJobAsync("job-otel", spec, problems);

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal("ok", r.Status));
        var all = spans.Stopped;
        var byId = all.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        foreach (var result in results)
        {
            var run = Assert.Single(all, a => a.Source.Name == AgentsTelemetry.Name && a.OperationName == "run bok"
                && Tag(a, TagNames.JobId) == "job-otel" && Tag(a, TagNames.ProblemId) == result.ProblemId);
            Assert.Equal(StrategyNames.BestOfK, Tag(run, TagNames.Strategy));
            Assert.Equal("0", Tag(run, TagNames.Phase));
            Assert.Equal("ok", Tag(run, TagNames.Status));
            Assert.Equal(result.Usage.PromptTokens.ToString(), Tag(run, TagNames.GenAiInputTokens));

            // Model calls reach the run through step spans and Orleans' call spans on other grains (and silos).
            var calls = all.Where(a => a.Source.Name == AgentsTelemetry.Name && a.GetTagItem(TagNames.GenAiOperation) is not null
                && HasAncestor(a, run, byId)).ToList();
            Assert.Contains(calls, c => Tag(c, TagNames.Role) == "solver" && Tag(c, TagNames.GenAiOperation) == GenAiOperations.Chat);
            Assert.Contains(calls, c => Tag(c, TagNames.Role) == "scorer" && Tag(c, TagNames.GenAiOperation) == GenAiOperations.Score);
            Assert.All(calls, c =>
            {
                Assert.Equal("sim", Tag(c, TagNames.GenAiRequestModel));
                Assert.Equal("sim", Tag(c, TagNames.GenAiProvider));
                Assert.Equal(ActivityKind.Client, c.Kind);
            });
            Assert.Equal(result.Usage.PromptTokens, calls.Sum(c => Convert.ToInt64(c.GetTagItem(TagNames.GenAiInputTokens))));
            Assert.Equal(result.Usage.CompletionTokens, calls.Sum(c => Convert.ToInt64(c.GetTagItem(TagNames.GenAiOutputTokens))));
            Assert.Equal(result.Ledger.Sum(l => l.Usage.PromptTokens), result.Usage.PromptTokens);
        }

        // No span of ours carries a prompt: the questions appear in no attribute.
        var ours = all.Where(a => a.Source.Name == AgentsTelemetry.Name).ToList();
        Assert.All(problems, p => Assert.DoesNotContain(ours, a => a.TagObjects.Any(t => t.Value?.ToString()?.Contains(p.Question, StringComparison.Ordinal) == true)));

        Assert.Equal(3, metrics.Sum("agents.runs.done", (TagNames.Strategy, "bok"), (TagNames.Status, "ok")));
        Assert.Equal(0, metrics.Sum("agents.runs.in_flight", (TagNames.Strategy, "bok")));
        Assert.Equal(results.Sum(r => r.Usage.PromptTokens), metrics.Sum("agents.model.tokens", (TagNames.GenAiTokenType, "input"), (TagNames.GenAiRequestModel, "sim")));
        Assert.Equal(results.Sum(r => r.Usage.CompletionTokens), metrics.Sum("agents.model.tokens", (TagNames.GenAiTokenType, "output"), (TagNames.GenAiRequestModel, "sim")));
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) switch
    {
        null => null,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };

    private static bool HasAncestor(Activity span, Activity ancestor, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var parent = span.ParentSpanId; parent != default; parent = byId.TryGetValue(parent, out var p) ? p.ParentSpanId : default)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every stopped span of the Agents and Orleans sources, recorded with all attributes.</summary>
    private sealed class SpanCollector : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == AgentsTelemetry.Name || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}
