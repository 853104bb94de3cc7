using System.Diagnostics;
using Agents.Inference;
using Agents.Inference.Telemetry;

namespace Agents.Grains.Runs;

/// <summary>
/// A run phase's span (<c>run {strategy}</c>) and its in-flight and done counts. The span carries the job, problem,
/// strategy, phase and status, and for a final result its answer's correctness and token totals; never the question.
/// </summary>
internal readonly struct RunTelemetry : IDisposable
{
    private readonly Activity? _span;
    private readonly KeyValuePair<string, object?> _strategy;

    private RunTelemetry(Activity? span, KeyValuePair<string, object?> strategy)
    {
        _span = span;
        _strategy = strategy;
    }

    /// <summary>Starts the span and counts the phase in flight.</summary>
    public static RunTelemetry Start(RunRequest request)
    {
        var strategy = new KeyValuePair<string, object?>(TagNames.Strategy, request.Strategy.Name);
        var span = AgentsTelemetry.Source.StartActivity($"run {request.Strategy.Name}", ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TagNames.JobId, request.JobId);
            span.SetTag(TagNames.ProblemId, request.Problem.Id);
            span.SetTag(TagNames.Strategy, request.Strategy.Name);
            span.SetTag(TagNames.Phase, request.Phase);
            span.SetTag(TagNames.GenAiRequestModel, ModelSpec.TryParse(request.Strategy.Model, out var model) ? model.TelemetryName : "default");
        }

        AgentsTelemetry.RunsInFlight.Add(1, strategy);
        return new RunTelemetry(span, strategy);
    }

    /// <summary>The phase ended: with the run's result (status ok) or at a dataset barrier (status phase).</summary>
    public void Finished(RunResult? result)
    {
        var status = result is null ? "phase" : result.Status;
        if (_span is { IsAllDataRequested: true })
        {
            _span.SetTag(TagNames.Status, status);
            if (result is not null)
            {
                _span.SetTag("agents.run.correct", result.Correct);
                _span.SetTag("agents.run.rounds", result.Rounds);
                _span.SetTag(TagNames.GenAiInputTokens, result.Usage.PromptTokens);
                _span.SetTag(TagNames.GenAiOutputTokens, result.Usage.CompletionTokens);
                _span.SetTag(TagNames.Samples, result.Usage.Samples);
            }
        }

        AgentsTelemetry.RunsDone.Add(1, _strategy, new(TagNames.Status, status));
    }

    /// <summary>The phase threw (the job may retry it).</summary>
    public void Failed(Exception exception)
    {
        _span?.SetTag(TagNames.Status, "failed");
        AgentsTelemetry.RecordFailure(_span, exception);
        AgentsTelemetry.RunsDone.Add(1, _strategy, new(TagNames.Status, "failed"));
    }

    /// <summary>Ends the span and the phase's in-flight count.</summary>
    public void Dispose()
    {
        AgentsTelemetry.RunsInFlight.Add(-1, _strategy);
        _span?.Dispose();
    }
}
