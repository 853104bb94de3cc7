using System.Globalization;
using System.Security.Cryptography;
using Agents.Api.Hosting;
using Agents.Client;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;
using Agents.Core.Strategies;
using Microsoft.Extensions.Options;

namespace Agents.Api.Gateway;

/// <summary>What the gateway will run for one request: the strategy spec, the problem and how many independent runs.</summary>
/// <param name="Id">The completion id, also the run's job id (<c>chatcmpl-…</c>).</param>
/// <param name="Model">The parsed model name.</param>
/// <param name="Spec">The strategy spec every run uses.</param>
/// <param name="Problem">The problem text.</param>
/// <param name="N">Independent runs (choices).</param>
/// <param name="Stats">MAgICoRe's μ and σ and their source, or null for other strategies.</param>
public sealed record GatewayPlan(string Id, GatewayModel Model, StrategySpec Spec, string Problem, int N, DatasetStats? Stats)
{
    /// <summary>
    /// The problem of choice <paramref name="index"/>: id and line <c>index + 1</c>, as if the problem were repeated on
    /// the lines of a dataset, so choice 0 asks exactly what <c>agents batch</c> asks of a one-line file with no ids.
    /// </summary>
    public Problem ProblemFor(int index)
    {
        var line = index + 1;
        return new Problem(line.ToString(CultureInfo.InvariantCulture), Problem, null, "chat", line);
    }
}

/// <summary>One finished run of a gateway request.</summary>
/// <param name="Index">The choice index.</param>
/// <param name="Result">The run's result (answer, usage, ledger, rounds).</param>
/// <param name="Content">The answer text (the final solution with its <c>\boxed{}</c>).</param>
/// <param name="Trace">Where the run's transcript and ledger are served.</param>
public sealed record ChoiceResult(int Index, RunResult Result, string Content, string Trace);

/// <summary>
/// The OpenAI-compatible refinement gateway's core, shared by the HTTP endpoints and any page that runs one problem:
/// turns a request into a strategy spec and runs each choice through the same run grain path a batch job uses
/// (phase by phase, with MAgICoRe's μ and σ from configuration where a batch would compute them at its barrier).
/// </summary>
public sealed class RefinementGateway(IGrainFactory grains, ServedModels models, IOptions<ApiOptions> options)
{
    private const int MaxPhases = 1000;

    /// <summary>Checks the request against what is served and builds the plan; throws <see cref="OpenAIErrorException"/>.</summary>
    public async Task<GatewayPlan> PlanAsync(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var model = GatewayModel.TryParse(request.Model, settings.MaxK, out var error)
            ?? throw new OpenAIErrorException(OpenAIError.Invalid(error!, "model", "model_not_found"));
        var served = await models.FindAsync(model.Base)
            ?? throw new OpenAIErrorException(OpenAIError.Invalid(
                $"base model '{model.Base}' is not served here; served: {string.Join(", ", (await models.ListAsync()).Select(m => m.Name))} (GET /v1/models)",
                "model", "model_not_found"));

        DatasetStats? stats = null;
        if (model.Strategy == StrategyNames.Magicore)
        {
            var magicore = settings.Magicore;
            if (magicore.Mu is not { } mu || magicore.Sigma is not { } sigma)
            {
                throw new OpenAIErrorException(new OpenAIError(
                    StatusCodes.Status400BadRequest,
                    "magicore needs the dataset's μ and σ for a single problem; this host has none configured (Agents:Api:Magicore:Mu and :Sigma)",
                    "invalid_request_error", "model", "magicore_not_calibrated"));
            }

            stats = new DatasetStats(mu, sigma, magicore.Source);
        }

        // The same spec builder as `agents batch`, so a request and a batch with the same settings ask the same questions.
        var spec = new StrategyRequest
        {
            Strategy = model.Strategy,
            Model = served.Spec,
            K = model.K,
            Temperature = request.Temperature,
            Seed = request.Seed ?? 0,
            Mu = stats?.Mean,
            Sigma = stats?.StdDev,
        }.ToSpec();
        if (stats is not null)
        {
            spec = spec with { Options = spec.Options.SetItem("stats_source", stats.Source) };
        }

        if (model.Strategy != StrategyNames.Cot)
        {
            spec = spec with { TopP = request.TopP ?? spec.TopP };
        }

        spec = spec with { MaxTokens = request.MaxTokens ?? spec.MaxTokens };
        var id = "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return new GatewayPlan(id, model, spec, request.Problem, request.N, stats);
    }

    /// <summary>
    /// Runs choice <paramref name="index"/> of a plan on its run grain, one phase after another as a batch job drives it,
    /// telling <paramref name="progress"/> what each phase does.
    /// </summary>
    public async Task<ChoiceResult> RunAsync(GatewayPlan plan, int index, Func<string, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var problem = plan.ProblemFor(index);
        var run = grains.GetGrain<IProblemRunGrain>($"{plan.Id}/{problem.Id}");
        var computed = ImmutableDictionary<int, DatasetStats>.Empty;
        for (var phase = 0; phase < MaxPhases; phase++)
        {
            if (progress is not null)
            {
                await progress(Describe(plan, index, phase));
            }

            var request = new RunRequest(plan.Id, problem, plan.Spec, phase, PhaseStatistics.For(plan.Spec, phase, computed));
            var outcome = await run.RunPhaseAsync(request, cancellationToken);
            if (outcome.Final is { } final)
            {
                var transcript = await run.GetTranscriptAsync();
                return new ChoiceResult(index, final, SolutionText.For(transcript, final.Answer), TracePath(plan.Id, problem.Id));
            }
        }

        throw new InvalidOperationException($"run {plan.Id}/{problem.Id} did not finish within {MaxPhases} phases");
    }

    /// <summary>The REST path of a run's transcript and ledger.</summary>
    public static string TracePath(string jobId, string problemId) =>
        $"/api/jobs/{Uri.EscapeDataString(jobId)}/runs/{Uri.EscapeDataString(problemId)}";

    private static string Describe(GatewayPlan plan, int index, int phase)
    {
        var spec = plan.Spec;
        var who = plan.N > 1 ? string.Create(CultureInfo.InvariantCulture, $"choice {index}: ") : "";
        if (spec.Name == StrategyNames.Magicore && phase > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{who}round {phase} of {spec.Rounds}: classifying, reviewing and refining {spec.K} chains if hard");
        }

        return spec.Name switch
        {
            StrategyNames.Cot => $"{who}solving with one greedy chain",
            StrategyNames.SelfRefine or StrategyNames.Iort => string.Create(CultureInfo.InvariantCulture, $"{who}{spec.Name}: solving and refining for up to {spec.Rounds} rounds"),
            StrategyNames.SpcSearch => string.Create(CultureInfo.InvariantCulture, $"{who}critic-guided search over {spec.K} chains"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{who}sampling {spec.K} chains"),
        };
    }
}
