using Agents.Contracts.Refining;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.SelfRefine;
using Agents.Grains.Solving;
using Agents.Inference;

namespace Agents.Grains.Refining;

/// <summary>The Reviewer agent: MAgICoRe's targeted feedback on a scored chain, and Self-Refine's feedback step.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class ReviewerGrain(
    [FromKeyedServices(ModelRoles.Reviewer)] IChatClient defaultModel,
    IModelRegistry models,
    PromptTemplates prompts) : Grain, IReviewerGrain
{
    public async Task<AgentReply> ReviewAsync(ReviewRequest request, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            ReviewerPrompt.Build(prompts, request.Question, request.AnnotatedChain), request.Call, ModelRoles.Reviewer, cancellationToken);
        var review = ReviewParser.Parse(raw);
        return new AgentReply(review.Feedback, raw, usage, review.Flagged ? review.Issue.ToString() : null);
    }

    public async Task<AgentReply> CritiqueAsync(SelfRefineRequest request, CancellationToken cancellationToken)
    {
        var history = request.History.Select(t => new SelfRefineTurn(t.Solution, t.Feedback, t.Rewrite)).ToList();
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            SelfRefinePrompt.BuildFeedback(prompts, request.Question, history, request.CurrentSolution), request.Call, ModelRoles.Reviewer, cancellationToken);
        var review = ReviewParser.Parse(raw);
        return new AgentReply(review.Feedback, raw, usage, review.Flagged ? review.Issue.ToString() : null);
    }
}

/// <summary>The Refiner agent: MAgICoRe's rewrite from a scored chain and feedback, and Self-Refine's rewrite.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class RefinerGrain(
    [FromKeyedServices(ModelRoles.Refiner)] IChatClient defaultModel,
    IModelRegistry models,
    PromptTemplates prompts) : Grain, IRefinerGrain
{
    public async Task<AgentReply> RefineAsync(RefineRequest request, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            RefinerPrompt.Build(prompts, request.Question, request.AnnotatedChain, request.Feedback, request.MultipleChoiceLine),
            request.Call, ModelRoles.Refiner, cancellationToken);
        var text = RefinementParser.Clean(raw);
        return new AgentReply(text, raw, usage, text.Length == 0 ? "Empty" : null);
    }

    public async Task<AgentReply> RewriteAsync(SelfRefineRequest request, CancellationToken cancellationToken)
    {
        var history = request.History.Select(t => new SelfRefineTurn(t.Solution, t.Feedback, t.Rewrite)).ToList();
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            SelfRefinePrompt.BuildRefine(prompts, request.Question, history, request.CurrentSolution, request.Feedback),
            request.Call, ModelRoles.Refiner, cancellationToken);
        var text = RefinementParser.Clean(raw);
        return new AgentReply(text, raw, usage, text.Length == 0 ? "Empty" : null);
    }

    public async Task<AgentReply> FeedbackAndRewriteAsync(SelfRefineRequest request, CancellationToken cancellationToken)
    {
        var history = request.History.Select(t => new SelfRefineTurn(t.Solution, t.Feedback, t.Rewrite)).ToList();
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            SelfRefinePrompt.BuildCombined(prompts, request.Question, history, request.CurrentSolution),
            request.Call, ModelRoles.Refiner, cancellationToken);
        var reply = SelfRefineReply.Parse(raw);
        return new AgentReply(reply.Rewrite ?? "", raw, usage, reply.Rewrite is null ? "NoRewrite" : null);
    }
}
