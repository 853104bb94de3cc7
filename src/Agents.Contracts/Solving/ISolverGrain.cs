namespace Agents.Contracts.Solving;

/// <summary>The Solver agent: samples solutions to a problem from the configured model.</summary>
[Alias("agents.solver")]
public interface ISolverGrain : IGrainWithIntegerKey
{
    /// <summary>Samples <see cref="SolveRequest.Count"/> solutions.</summary>
    [Alias("solve")]
    Task<SolveResult> SolveAsync(SolveRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What the Solver is asked to do.</summary>
/// <param name="RunId">Seed namespace, part of every sample's seed (batch runs leave it empty so seeds depend only on --seed).</param>
/// <param name="ProblemId">The problem id, part of every sample's seed.</param>
/// <param name="Question">The problem statement.</param>
/// <param name="Count">Number of samples (k).</param>
/// <param name="Temperature">Sampling temperature; 0 is greedy.</param>
/// <param name="TopP">Nucleus sampling mass.</param>
/// <param name="MaxTokens">Completion token cap per sample.</param>
/// <param name="Model">Model spec (<c>sim</c>, <c>openai:URL#MODEL</c>, ...); empty = the silo's default.</param>
/// <param name="Round">Method round (0 for the first draw), part of the seed.</param>
/// <param name="Seed">The run seed, part of every sample's seed.</param>
/// <param name="PromptStyle">Which solver prompt: empty or <c>project</c> (ours), <c>released</c> (MAgICoRe's released code, with the "Step 1:" prefill).</param>
/// <param name="FirstChoice">
/// Index of the first sample: 0 for a problem's first draw; f &gt; 0 continues its chains at index f, drawn from the seed
/// of choice f (a draw of chains f.. that follows a separate draw of the chains before f).
/// </param>
[GenerateSerializer, Immutable, Alias("agents.solve-request.v1")]
public sealed record SolveRequest(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ProblemId,
    [property: Id(2)] string Question,
    [property: Id(3)] int Count,
    [property: Id(4)] double Temperature,
    [property: Id(5)] double TopP,
    [property: Id(6)] int MaxTokens,
    [property: Id(7)] string Model,
    [property: Id(8)] int Round,
    [property: Id(9)] long Seed,
    [property: Id(10)] string PromptStyle = "",
    [property: Id(11)] int FirstChoice = 0);

/// <summary>The Solver's answer: the samples, what they cost and how they were requested.</summary>
/// <param name="Samples">The sampled solutions in index order.</param>
/// <param name="Usage">Calls, samples and tokens spent.</param>
/// <param name="SamplingMethod"><c>n</c> (one request with n choices) or <c>parallel</c> (one request per sample).</param>
/// <param name="Prompt">The prompt text sent (for the transcript).</param>
/// <param name="Prefill">
/// For a prompt with a prefilled assistant turn, what became of it (<c>prefilled</c>, <c>continued</c>, <c>restarted</c>,
/// <c>refused</c>, or <c>mixed(…)</c> over the samples); null without a prefill.
/// </param>
[GenerateSerializer, Immutable, Alias("agents.solve-result.v1")]
public sealed record SolveResult(
    [property: Id(0)] ImmutableArray<Sample> Samples,
    [property: Id(1)] TokenUsage Usage,
    [property: Id(2)] string SamplingMethod,
    [property: Id(3)] string Prompt,
    [property: Id(4)] string? Prefill = null);
