using Agents.Contracts.Scoring;
using Agents.Inference;
using Agents.Inference.Rewards;
using Agents.Inference.Telemetry;
using Microsoft.Extensions.Options;

namespace Agents.Grains.Scoring;

/// <summary>The reward-model agent: ORM and PRM scores for a batch of chains from the requested reward backend.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class ScorerGrain(IRewardModelRegistry rewards, IOptions<RewardOptions> rewardOptions) : Grain, IScorerGrain
{
    private const string Role = "scorer";

    /// <summary>Chains of one problem scored at once (bounded so a k = 120 pool does not flood a reward server).</summary>
    private const int MaxParallelism = 16;

    public async Task<ScoreResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        var model = string.IsNullOrEmpty(request.Reward) ? rewards.Default : rewards.Resolve(request.Reward);
        var parts = (request.OutcomeScores ? RewardParts.Outcome : 0) | (request.ProcessScores ? RewardParts.Process : 0);
        var requests = request.Chains
            .Select(c => new RewardRequest(request.Question, c.Text, c.Steps, c.HasAnswer, c.Seed, parts))
            .ToList();
        var (name, provider) = TelemetryName(string.IsNullOrEmpty(request.Reward) ? rewardOptions.Value.Default : request.Reward);
        using var span = AgentsTelemetry.StartModelCall(name, provider, Role, GenAiOperations.Score);
        IReadOnlyList<RewardScores> scores;
        try
        {
            scores = await RewardBatch.ScoreAllAsync(model, requests, MaxParallelism, cancellationToken);
        }
        catch (Exception ex)
        {
            AgentsTelemetry.RecordFailure(span, ex);
            if (ex is ModelBackendException)
            {
                throw new AgentCallException($"scorer: {ex.Message}") { Role = Role };
            }

            throw;
        }

        var orm = scores.Aggregate(TokenUsage.None, (sum, s) => sum + s.OrmUsage);
        var prm = scores.Aggregate(TokenUsage.None, (sum, s) => sum + s.PrmUsage);
        var total = orm + prm;
        AgentsTelemetry.RecordUsage(span, name, Role, total.PromptTokens, total.CompletionTokens, total.Samples);
        return new ScoreResult(
            [.. scores.Select(s => new ChainScores(s.Outcome, s.StepScores.IsDefault ? [] : s.StepScores))],
            orm,
            prm,
            scores.Sum(s => s.Failures));
    }

    // The reward backend as telemetry names it: the served model or the judge's model, never a URL.
    private static (string Name, string Provider) TelemetryName(string spec) => RewardSpec.TryParse(spec, out var parsed)
        ? parsed.Kind switch
        {
            RewardSpecKind.Http => (parsed.Model ?? "default", "reward-server"),
            RewardSpecKind.Judge when ModelSpec.TryParse(parsed.JudgeModel, out var judge) => (judge.TelemetryName, judge.ProviderName),
            _ => ("sim", "sim"),
        }
        : ("unknown", "unknown");
}
