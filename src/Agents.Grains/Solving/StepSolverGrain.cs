using Agents.Contracts.Solving;
using Agents.Core.Prompts;
using Agents.Core.SelfPlay;
using Agents.Inference;

namespace Agents.Grains.Solving;

/// <summary>The Solver writing one step of a partial solution (critic-guided search).</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class StepSolverGrain(
    [FromKeyedServices(ModelRoles.Solver)] IChatClient defaultModel,
    IModelRegistry models,
    PromptTemplates prompts) : Grain, IStepSolverGrain
{
    public async Task<NextStepResult> NextStepAsync(NextStepRequest request, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, defaultModel, request.Call.Model),
            SolverContinuationPrompt.BuildNextStep(prompts, request.Question, request.Steps), request.Call, ModelRoles.Solver, cancellationToken);
        var proposal = NextStepParser.Parse(raw);
        return new NextStepResult(proposal.Text, proposal.IsFinal, raw, usage);
    }
}
