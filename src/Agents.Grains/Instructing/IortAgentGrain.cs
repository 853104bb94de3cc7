using Agents.Contracts.Instructing;
using Agents.Contracts.Refining;
using Agents.Core.Iort;
using Agents.Grains.Solving;
using Agents.Inference;

namespace Agents.Grains.Instructing;

/// <summary>
/// The IoRT agents. Prompts come from <see cref="IortPromptInputs.Build"/> (the builders the driver uses); replies are the
/// model's text, parsed by the driver. Default models: the solver's for the Generator and Reflector (the base LLM reflects
/// on its own answers), the instructor's for the Meta-Thinker and Instructor; a request's model spec overrides them.
/// </summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class IortAgentGrain(
    [FromKeyedServices(ModelRoles.Solver)] IChatClient baseModel,
    [FromKeyedServices(ModelRoles.Instructor)] IChatClient instructorModel,
    IModelRegistry models) : Grain, IIortAgentGrain
{
    public Task<AgentReply> MetaThinkAsync(MetaThinkRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(instructorModel, IortRoleNames.MetaThinker,
            new IortPromptInputs(IortPromptKind.MetaThought, request.Question)
            {
                Examples = [.. request.Examples.Select(e => new MetaExample(e.Question, e.MetaThought))],
            },
            request.Call, cancellationToken);

    public Task<AgentReply> GenerateAsync(IortGenerateRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(baseModel, IortRoleNames.Generator, new IortPromptInputs(IortPromptKind.Generate, request.Question), request.Call, cancellationToken);

    public Task<AgentReply> CritiqueAsync(ReflectRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(baseModel, IortRoleNames.Reflector,
            new IortPromptInputs(IortPromptKind.Critique, request.Question) { Response = request.Response }, request.Call, cancellationToken);

    public Task<AgentReply> ReviseAsync(ReflectRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(baseModel, IortRoleNames.Reflector,
            new IortPromptInputs(IortPromptKind.Revise, request.Question) { Response = request.Response, Critique = request.Critique },
            request.Call, cancellationToken);

    public Task<AgentReply> InstructAsync(InstructRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(instructorModel, IortRoleNames.Instructor,
            new IortPromptInputs(request.AnswersAgree ? IortPromptKind.Agreement : IortPromptKind.Select, request.Question)
            {
                MetaThought = request.MetaThought,
                Basic = new NumberedResponse(request.Basic.Number, request.Basic.Text),
                Reflective = new NumberedResponse(request.Reflective.Number, request.Reflective.Text),
            },
            request.Call, cancellationToken);

    private async Task<AgentReply> CompleteAsync(
        IChatClient roleDefault, string role, IortPromptInputs inputs, ModelCall call, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(ModelCalls.Resolve(models, roleDefault, call.Model), inputs.Build(), call, role, cancellationToken);
        return new AgentReply(raw, raw, usage, raw.Length == 0 ? "Empty" : null);
    }
}
