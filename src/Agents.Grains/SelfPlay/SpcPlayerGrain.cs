using Agents.Contracts.Refining;
using Agents.Contracts.SelfPlay;
using Agents.Grains.Solving;
using Agents.Inference;

namespace Agents.Grains.SelfPlay;

/// <summary>An SPC player: sends a prepared prompt to the role's model (sneaky generator, critic, or solver continuation).</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class SpcPlayerGrain(IServiceProvider services, IModelRegistry models) : Grain, ISpcPlayerGrain
{
    public async Task<SpcTurnReply> PlayTurnAsync(SpcTurnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var roleDefault = services.GetRequiredKeyedService<IChatClient>(request.Role);
        var messages = request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Text)).ToList();
        var (text, usage) = await ModelCalls.CompleteAsync(
            ModelCalls.Resolve(models, roleDefault, request.Model), messages,
            new ModelCall(request.Model, request.Temperature, 1.0, request.MaxTokens, request.Seed), request.Role, cancellationToken);
        return new SpcTurnReply(text, usage.PromptTokens, usage.CompletionTokens);
    }
}
