using Agents.Core.Prompts;
using Agents.Inference.Accounting;
using Agents.Inference.Resilience;

namespace Agents.Inference.Rewards;

/// <summary>
/// A generative judge on any chat backend: one call per chain with <see cref="JudgePrompt"/>, asking for a score per step
/// (only when the chain has an answer and the PRM part is asked for) and an overall score, which is used as <c>o</c> directly
/// (no sigmoid). Replies are parsed leniently; a missing or unreadable score takes <see cref="JudgeRewardOptions.NeutralScore"/>
/// and counts one failure. The call's usage is booked as ORM usage (one call serves both models); backend failures
/// (after the chat client's own retries) propagate.
/// </summary>
public sealed partial class JudgeRewardModel(
    IChatClient chat,
    PromptTemplates templates,
    JudgeRewardOptions? options = null,
    int maxParallelism = IRewardModel.DefaultParallelism,
    ILogger<JudgeRewardModel>? logger = null) : IRewardModel
{
    private readonly JudgeRewardOptions _options = options ?? new JudgeRewardOptions();
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <inheritdoc/>
    public async Task<RewardScores> ScoreAsync(RewardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var steps = request.RunsProcess ? request.Steps : null;
        var messages = JudgePrompt.Build(templates, request.Question, steps, request.Chain);
        var chatOptions = new ChatOptions
        {
            Temperature = (float)_options.Temperature,
            MaxOutputTokens = _options.MaxTokens,
            Seed = request.Seed,
        };
        ChatResponse response;
        RetryTally tally;
        using (RetryTally.Begin(out tally))
        {
            response = await chat.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
        }

        var text = response.Text;
        var verdict = JudgePrompt.Parse(text, steps?.Count ?? 0, request.RunsOutcome, _options.NeutralScore);
        if (verdict.Failures > 0)
        {
            LogUnreadable(_logger, verdict.Failures, steps?.Count ?? 0, text.Length <= 120 ? text : text[..120]);
        }

        var usage = new TokenUsage(
            1,
            1,
            response.Usage?.InputTokenCount ?? TokenCounter.CountPrompt(messages),
            response.Usage?.OutputTokenCount ?? TokenCounter.Count(text),
            tally.Count);
        return new RewardScores(
            request.RunsOutcome ? verdict.Outcome : 0,
            steps is null ? [] : verdict.StepScores,
            usage,
            TokenUsage.None,
            verdict.Failures);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RewardScores>> ScoreManyAsync(IReadOnlyList<RewardRequest> requests, CancellationToken cancellationToken) =>
        RewardBatch.ScoreAllAsync(this, requests, maxParallelism, cancellationToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Judge reply left {Failures} score(s) unread for a {Steps}-step chain; neutral scores used: {Reply}")]
    private static partial void LogUnreadable(ILogger logger, int failures, int steps, string reply);
}
