using Agents.Core.Prompts;
using Agents.Core.Solving;
using Agents.Inference;

namespace Agents.Grains.Solving;

/// <summary>The Solver agent: builds the solver prompt and samples k solutions from the requested model.</summary>
// Agents hold no state between calls; reentrancy lets one worker keep many model calls in flight.
[StatelessWorker, Reentrant]
public sealed partial class SolverGrain(
    [FromKeyedServices(ModelRoles.Solver)] IChatClient defaultModel,
    IModelRegistry models,
    PromptTemplates prompts,
    ILogger<SolverGrain> logger) : Grain, ISolverGrain
{
    /// <summary>Role name in seeds, transcripts and the ledger.</summary>
    public const string Role = "solver";

    public async Task<SolveResult> SolveAsync(SolveRequest request, CancellationToken cancellationToken)
    {
        var model = ModelCalls.Resolve(models, defaultModel, request.Model);
        var messages = SolverPrompt.Build(prompts, request.Question, request.PromptStyle);
        var options = new ChatOptions
        {
            Temperature = (float)request.Temperature,
            TopP = (float)request.TopP,
            MaxOutputTokens = request.MaxTokens,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(request.FirstChoice);
        // Chains from index f on are drawn from choice f's seed, so a continuing draw never repeats the first one's samples.
        var baseSeed = SampleSeed.ForChoice(SampleSeed.Derive(request.RunId, request.ProblemId, Role, request.Round, request.Seed), request.FirstChoice);
        var batch = await ModelCalls.SampleAsync(model, messages, options, request.Count, baseSeed, Role, cancellationToken);
        // A prefilled assistant turn (the released prompt's "Step 1:") is part of the stored reasoning, as the released code
        // prepends it; what the backend did with it is recorded per run (docs/inference.md).
        var prefix = messages[^1].Role == ChatRole.Assistant ? messages[^1].Text : null;
        var texts = prefix is null ? batch.Texts : [.. batch.Texts.Select(t => Prefill.Join(prefix, t))];
        var prefill = prefix is null ? null : Prefill.Summarize(batch.Texts.Select(t => Prefill.Classify(batch.Prefill, prefix, t)));
        var samples = texts
            .Select((text, i) => new Sample(request.FirstChoice + i, SampleSeed.ForChoice(baseSeed, i), SolutionParser.Parse(text)))
            .ToImmutableArray();
        LogSolved(logger, request.ProblemId, samples.Length, batch.Method);
        var prompt = string.Join("\n", messages.Select(m => m.Role == ChatRole.Assistant ? $"[assistant prefill] {m.Text}" : m.Text));
        return new SolveResult(samples, batch.Usage, batch.Method, prompt, prefill);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Solver sampled {Count} solutions for {ProblemId} ({Method})")]
    private static partial void LogSolved(ILogger logger, string problemId, int count, string method);
}
