using Agents.Contracts.Scoring;
using Agents.Inference;
using Agents.Inference.Rewards;

namespace Agents.Grains.Scoring;

/// <summary>The reward-model agent: ORM and PRM scores for a batch of chains from the requested reward backend.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class ScorerGrain(IRewardModelRegistry rewards) : Grain, IScorerGrain
{
    /// <summary>Chains of one problem scored at once (bounded so a k = 120 pool does not flood a reward server).</summary>
    private const int MaxParallelism = 16;

    public async Task<ScoreResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        var model = string.IsNullOrEmpty(request.Reward) ? rewards.Default : rewards.Resolve(request.Reward);
        var parts = (request.OutcomeScores ? RewardParts.Outcome : 0) | (request.ProcessScores ? RewardParts.Process : 0);
        var requests = request.Chains
            .Select(c => new RewardRequest(request.Question, c.Text, c.Steps, c.HasAnswer, c.Seed, parts))
            .ToList();
        IReadOnlyList<RewardScores> scores;
        try
        {
            scores = await RewardBatch.ScoreAllAsync(model, requests, MaxParallelism, cancellationToken);
        }
        catch (ModelBackendException ex)
        {
            throw new AgentCallException($"scorer: {ex.Message}") { Role = "scorer" };
        }

        return new ScoreResult(
            [.. scores.Select(s => new ChainScores(s.Outcome, s.StepScores.IsDefault ? [] : s.StepScores))],
            scores.Aggregate(TokenUsage.None, (sum, s) => sum + s.OrmUsage),
            scores.Aggregate(TokenUsage.None, (sum, s) => sum + s.PrmUsage),
            scores.Sum(s => s.Failures));
    }
}
