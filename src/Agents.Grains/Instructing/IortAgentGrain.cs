using Agents.Contracts.Instructing;
using Agents.Contracts.Refining;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Grains.Solving;
using Agents.Inference;
using Microsoft.Extensions.Options;

namespace Agents.Grains.Instructing;

/// <summary>
/// The IoRT agents. Prompts come from <see cref="IortPromptInputs.Build"/> (the builders the driver uses) with the silo's
/// templates; replies are the model's text, parsed by the driver. Generator and Reflector use the request's model (the
/// base LLM reflects on its own answers). The Meta-Thinker and Instructor use, in order: the run's <c>instructor_model</c>
/// option, the silo's configured <c>Agents:Models:Instructor</c>, the run's model (docs/iort.md); the reply names the
/// model and where it came from.
/// </summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed class IortAgentGrain(
    [FromKeyedServices(ModelRoles.Solver)] IChatClient baseModel,
    [FromKeyedServices(ModelRoles.Instructor)] IChatClient instructorModel,
    IModelRegistry models,
    IOptions<ModelOptions> modelOptions,
    PromptTemplates prompts) : Grain, IIortAgentGrain
{
    public Task<AgentReply> MetaThinkAsync(MetaThinkRequest request, CancellationToken cancellationToken) =>
        InstructorAsync(IortRoleNames.MetaThinker, request.RunModel,
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
        InstructorAsync(IortRoleNames.Instructor, request.RunModel,
            new IortPromptInputs(request.AnswersAgree ? IortPromptKind.Agreement : IortPromptKind.Select, request.Question)
            {
                MetaThought = request.MetaThought,
                Basic = new NumberedResponse(request.Basic.Number, request.Basic.Text),
                Reflective = new NumberedResponse(request.Reflective.Number, request.Reflective.Text),
            },
            request.Call, cancellationToken);

    // The Meta-Thinker's and Instructor's model: the run's option, else the silo's configured instructor model, else the run's.
    private async Task<AgentReply> InstructorAsync(string role, string runModel, IortPromptInputs inputs, ModelCall call, CancellationToken cancellationToken)
    {
        var configured = modelOptions.Value.Instructor;
        var (spec, source) = call.Model.Length > 0 ? (call.Model, InstructorModels.Option)
            : !string.IsNullOrWhiteSpace(configured) ? (configured, InstructorModels.Silo)
            : (runModel.Length > 0 ? runModel : modelOptions.Value.Default, InstructorModels.Run);
        var client = source == InstructorModels.Silo ? instructorModel : ModelCalls.Resolve(models, instructorModel, spec);
        var reply = await CompleteAsync(client, role, inputs, call, cancellationToken);
        return reply with { Model = spec, ModelSource = source };
    }

    private async Task<AgentReply> CompleteAsync(
        IChatClient roleDefault, string role, IortPromptInputs inputs, ModelCall call, CancellationToken cancellationToken)
    {
        var (raw, usage) = await ModelCalls.CompleteAsync(ModelCalls.Resolve(models, roleDefault, call.Model), inputs.Build(prompts), call, role, cancellationToken);
        return new AgentReply(raw, raw, usage, raw.Length == 0 ? "Empty" : null);
    }
}

/// <summary>Where the Meta-Thinker's and Instructor's model came from, as rows record it.</summary>
public static class InstructorModels
{
    /// <summary>The run's <c>instructor_model</c> option (<c>--instructor-model</c>).</summary>
    public const string Option = "option";

    /// <summary>The silo's configured <c>Agents:Models:Instructor</c>.</summary>
    public const string Silo = "silo";

    /// <summary>The run's own model (neither of the above is set).</summary>
    public const string Run = "run";
}
