using Agents.Contracts.Critiquing;
using Agents.Core.Prompts;
using Agents.Core.SelfPlay;
using Agents.Grains.Solving;
using Agents.Inference;

namespace Agents.Grains.Critiquing;

/// <summary>The SPC step critic: builds the exact §3.4 prompt, asks the critic model, parses the first verdict tag.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class CriticGrain(
    [FromKeyedServices(ModelRoles.Critic)] IChatClient defaultModel,
    IModelRegistry models,
    PromptTemplates prompts) : Grain, ICriticGrain
{
    public async Task<StepVerdict> JudgeStepAsync(StepJudgeRequest request, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            CriticPrompt.Build(prompts, request.Question, request.PreviousSteps, request.LastStep), request.Call, ModelRoles.Critic, cancellationToken);
        return new StepVerdict(CriticPrompt.Label(CriticPrompt.Parse(raw)), raw, usage);
    }
}
