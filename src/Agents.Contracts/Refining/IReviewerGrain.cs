namespace Agents.Contracts.Refining;

/// <summary>The Reviewer agent: targeted feedback on a solution (MAgICoRe) or Self-Refine's feedback step.</summary>
[Alias("agents.reviewer")]
public interface IReviewerGrain : IGrainWithIntegerKey
{
    /// <summary>Writes feedback on a chain annotated with "(Score: n/10)" per step; never a new solution.</summary>
    [Alias("review")]
    Task<AgentReply> ReviewAsync(ReviewRequest request, CancellationToken cancellationToken = default);

    /// <summary>Self-Refine feedback on the current solution, given the history of earlier rounds.</summary>
    [Alias("critique")]
    Task<AgentReply> CritiqueAsync(SelfRefineRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The Refiner agent: rewrites a solution from feedback.</summary>
[Alias("agents.refiner")]
public interface IRefinerGrain : IGrainWithIntegerKey
{
    /// <summary>MAgICoRe refinement: the scored chain and the Reviewer's feedback in, a revised solution out.</summary>
    [Alias("refine")]
    Task<AgentReply> RefineAsync(RefineRequest request, CancellationToken cancellationToken = default);

    /// <summary>Self-Refine rewrite of the current solution from its feedback.</summary>
    [Alias("rewrite")]
    Task<AgentReply> RewriteAsync(SelfRefineRequest request, CancellationToken cancellationToken = default);

    /// <summary>Self-Refine's one-call round: feedback on the current solution, then its rewrite, in one completion
    /// (<see cref="AgentReply.Text"/> is the rewrite, <see cref="AgentReply.Raw"/> holds both).</summary>
    [Alias("feedback-and-rewrite")]
    Task<AgentReply> FeedbackAndRewriteAsync(SelfRefineRequest request, CancellationToken cancellationToken = default);
}

/// <summary>How to call the model for one generation.</summary>
/// <param name="Model">Model spec; empty = the silo's default for the role.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopP">Nucleus mass.</param>
/// <param name="MaxTokens">Completion cap.</param>
/// <param name="Seed">The request's seed (derived by the run from its coordinates).</param>
/// <param name="MinTokens">Minimum completion length (vLLM <c>min_tokens</c>); 0 = none.</param>
[GenerateSerializer, Immutable, Alias("agents.model-call.v1")]
public sealed record ModelCall(
    [property: Id(0)] string Model,
    [property: Id(1)] double Temperature,
    [property: Id(2)] double TopP,
    [property: Id(3)] int MaxTokens,
    [property: Id(4)] long Seed,
    [property: Id(5)] int MinTokens = 0);

/// <summary>An agent's reply: its cleaned text, the raw completion and what it cost.</summary>
/// <param name="Text">The reply after the role's parser (feedback, or the revised solution).</param>
/// <param name="Raw">The completion as the model wrote it.</param>
/// <param name="Usage">Calls and tokens.</param>
/// <param name="Flag">The parser's complaint (empty, garbled, wrote a solution), or null.</param>
/// <param name="Model">The model spec the agent used, when it chose among several (IoRT's Meta-Thinker and Instructor).</param>
/// <param name="ModelSource">Where that choice came from: <c>option</c>, <c>silo</c> or <c>run</c>.</param>
[GenerateSerializer, Immutable, Alias("agents.agent-reply.v1")]
public sealed record AgentReply(
    [property: Id(0)] string Text,
    [property: Id(1)] string Raw,
    [property: Id(2)] Solving.TokenUsage Usage,
    [property: Id(3)] string? Flag,
    [property: Id(4)] string? Model = null,
    [property: Id(5)] string? ModelSource = null);

/// <summary>Review one annotated chain.</summary>
/// <param name="Question">The problem.</param>
/// <param name="AnnotatedChain">The chain with " (Score: n/10)" after each step.</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.review-request.v1")]
public sealed record ReviewRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] string AnnotatedChain,
    [property: Id(2)] ModelCall Call);

/// <summary>Refine one annotated chain with its feedback.</summary>
/// <param name="Question">The problem.</param>
/// <param name="AnnotatedChain">The scored chain.</param>
/// <param name="Feedback">The Reviewer's feedback.</param>
/// <param name="MultipleChoiceLine">Keep the released prompt's multiple-choice line (code mode).</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.refine-request.v1")]
public sealed record RefineRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] string AnnotatedChain,
    [property: Id(2)] string Feedback,
    [property: Id(3)] bool MultipleChoiceLine,
    [property: Id(4)] ModelCall Call);

/// <summary>One earlier Self-Refine round: the solution, its feedback and the rewrite.</summary>
/// <param name="Solution">The solution reviewed.</param>
/// <param name="Feedback">The feedback.</param>
/// <param name="Rewrite">The rewrite.</param>
[GenerateSerializer, Immutable, Alias("agents.self-refine-turn.v1")]
public sealed record SelfRefineTurnRecord(
    [property: Id(0)] string Solution,
    [property: Id(1)] string Feedback,
    [property: Id(2)] string Rewrite);

/// <summary>A Self-Refine feedback or rewrite request.</summary>
/// <param name="Question">The problem.</param>
/// <param name="History">Earlier rounds, replayed in the prompt.</param>
/// <param name="CurrentSolution">The solution under review.</param>
/// <param name="Feedback">The feedback to act on (rewrite only; empty for feedback requests).</param>
/// <param name="Call">Model settings.</param>
[GenerateSerializer, Immutable, Alias("agents.self-refine-request.v1")]
public sealed record SelfRefineRequest(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<SelfRefineTurnRecord> History,
    [property: Id(2)] string CurrentSolution,
    [property: Id(3)] string Feedback,
    [property: Id(4)] ModelCall Call);
