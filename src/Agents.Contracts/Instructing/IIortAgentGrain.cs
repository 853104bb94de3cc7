using Agents.Contracts.Refining;

namespace Agents.Contracts.Instructing;

/// <summary>
/// The IoRT agents (docs/algorithms.md §2.1): Meta-Thinker, Generator, Reflector and Instructor, one method per role. Each builds its
/// prompt with the Agents.Core builder from the wire record, calls the model and returns the model's text unparsed
/// (<see cref="AgentReply.Text"/> = <see cref="AgentReply.Raw"/>; the run's driver parses it) with the call's usage.
/// The Meta-Thinker and the Instructor use the request's model spec, which a run sets from <c>instructor_model</c>.
/// </summary>
[Alias("agents.iort-agent")]
public interface IIortAgentGrain : IGrainWithIntegerKey
{
    /// <summary>Meta-Thinker: a high-level plan for the question from the retrieved examples, with no numeric answer.</summary>
    [Alias("meta-think")]
    Task<AgentReply> MetaThinkAsync(MetaThinkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Generator: the initial response, or a refresh written from scratch.</summary>
    [Alias("generate")]
    Task<AgentReply> GenerateAsync(IortGenerateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reflector, first call: the critique of a response.</summary>
    [Alias("critique")]
    Task<AgentReply> CritiqueAsync(ReflectRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reflector, second call: the revised response after "Here's the better answer:", given the critique.</summary>
    [Alias("revise")]
    Task<AgentReply> ReviseAsync(ReflectRequest request, CancellationToken cancellationToken = default);

    /// <summary>Instructor: select the better of two differing responses, or stop / refresh when their answers agree.</summary>
    [Alias("instruct")]
    Task<AgentReply> InstructAsync(InstructRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One (question, meta-thought) pair of a meta-memory.</summary>
/// <param name="Question">The problem statement.</param>
/// <param name="MetaThought">Its meta-thought (a plan, no numeric answer).</param>
[GenerateSerializer, Immutable, Alias("agents.meta-example.v1")]
public sealed record MetaExampleRecord(
    [property: Id(0)] string Question,
    [property: Id(1)] string MetaThought);

/// <summary>A response as the Instructor sees it: its creation-order number ("CoT n") and text.</summary>
/// <param name="Number">0 = the initial response, then one more per revision or refresh.</param>
/// <param name="Text">The response.</param>
[GenerateSerializer, Immutable, Alias("agents.numbered-response.v1")]
public sealed record NumberedResponseRecord(
    [property: Id(0)] int Number,
    [property: Id(1)] string Text);

/// <summary>Ask the Meta-Thinker for a meta-thought.</summary>
/// <param name="Question">The problem.</param>
/// <param name="Examples">Retrieved (question, meta-thought) pairs, most similar first.</param>
/// <param name="Call">Model settings; its model is the run's <c>instructor_model</c> option, or empty.</param>
/// <param name="RunModel">The run's model, used only when neither the option nor the silo's instructor model is set.</param>
[GenerateSerializer, Immutable, Alias("agents.meta-think-request.v1")]
public sealed record MetaThinkRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<MetaExampleRecord> Examples,
    [property: Id(2)] ModelCall Call,
    [property: Id(3)] string RunModel = "");

/// <summary>Ask the Generator for a response (initial or refresh).</summary>
/// <param name="Question">The problem.</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.iort-generate-request.v1")]
public sealed record IortGenerateRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ModelCall Call);

/// <summary>Ask the Reflector for a critique (empty <paramref name="Critique"/>) or a revision.</summary>
/// <param name="Question">The problem.</param>
/// <param name="Response">The response under reflection.</param>
/// <param name="Critique">The critique the revision acts on (empty for a critique request).</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.reflect-request.v1")]
public sealed record ReflectRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] string Response,
    [property: Id(2)] string Critique,
    [property: Id(3)] ModelCall Call);

/// <summary>Ask the Instructor to compare two responses against the meta-thought.</summary>
/// <param name="Question">The problem.</param>
/// <param name="MetaThought">The criterion (empty = none).</param>
/// <param name="Basic">The current basic response.</param>
/// <param name="Reflective">The reflective or refreshed response.</param>
/// <param name="AnswersAgree">True = the consistency gate found equal answers: stop or refresh; false = select.</param>
/// <param name="Call">Model settings (the instructor model when one is set).</param>
/// <param name="RunModel">The run's model, used only when neither the option nor the silo's instructor model is set.</param>
[GenerateSerializer, Immutable, Alias("agents.instruct-request.v1")]
public sealed record InstructRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] string MetaThought,
    [property: Id(2)] NumberedResponseRecord Basic,
    [property: Id(3)] NumberedResponseRecord Reflective,
    [property: Id(4)] bool AnswersAgree,
    [property: Id(5)] ModelCall Call,
    [property: Id(6)] string RunModel = "");
