using Agents.Core.Strategies;

namespace Agents.Client.Experiments;

/// <summary>
/// One batch an experiment asks its caller to run: a strategy with its k (null = the settings' k), or the Self-Refine
/// calibration pass of budget matching.
/// </summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="K">The k budget matching chose; null = the k the caller was given.</param>
/// <param name="Calibration">True for the calibration pass (one run per problem) that measures a Self-Refine run's cost.</param>
public sealed record ExperimentStep(string Strategy, int? K, bool Calibration = false)
{
    /// <summary>The step's file stem: <c>results-sc</c>, <c>calibration-self-refine</c>.</summary>
    public string Name => Calibration ? $"calibration-{Strategy}" : $"results-{Strategy}";
}

/// <summary>What one step produced: its rows, their summary, and where the results (and transcripts) are, for <c>summary.json</c>.</summary>
/// <param name="Rows">The output rows.</param>
/// <param name="Summary">Their summary (wall time, switches).</param>
/// <param name="Results">Where the results are (a file name, a job id).</param>
/// <param name="Transcripts">Where the transcripts are; null when they stay in the cluster.</param>
public sealed record StepOutcome(IReadOnlyList<OutputRow> Rows, BatchSummary Summary, string Results, string? Transcripts);

/// <summary>
/// The experiment logic <c>agents experiment</c> and the dashboard share: which strategies run in which order, what
/// <c>--match-budget</c> gives SC, BoK and Self-Refine, and how the steps' rows become <c>summary.json</c>. Running one step
/// is the caller's (the CLI writes resumable files, the dashboard follows jobs); everything else is here.
/// </summary>
/// <param name="Strategies">The strategies in the order they run (MAgICoRe first when matching the budget).</param>
/// <param name="MatchBudget">Whether SC and BoK (and Self-Refine) spend MAgICoRe's mean generations per problem.</param>
/// <param name="Warning">Something the caller should show (e.g. budget matching without MAgICoRe), or null.</param>
public sealed record ExperimentPlan(IReadOnlyList<string> Strategies, bool MatchBudget, string? Warning)
{
    /// <summary>Strategies whose k budget matching sets to MAgICoRe's mean generations per problem.</summary>
    public static readonly ImmutableArray<string> BudgetMatched = [StrategyNames.SelfConsistency, StrategyNames.BestOfK];

    /// <summary>
    /// Validates the strategies (at least one, none twice, every name known) and the shared options (each applies to at
    /// least one strategy) before anything runs, so a typo in the last name does not cost the first runs.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem, worded for the user.</exception>
    public static ExperimentPlan Create(IEnumerable<string> strategies, IReadOnlyList<string>? options, bool matchBudget)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var list = strategies.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("--strategies lists no strategy (e.g. --strategies cot,sc,magicore)");
        }

        if (list.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"strategy '{duplicate.Key}' is listed twice in --strategies");
        }

        if (list.Select(StrategyNames.Validate).OfType<string>().FirstOrDefault() is { } error)
        {
            throw new ArgumentException(error);
        }

        if (StrategyRequest.UnknownToAll(list, options ?? []) is { } unknown)
        {
            throw new ArgumentException($"option '{unknown}' applies to none of {string.Join(", ", list)}; the strategies and their options:\n{StrategyCatalog.Describe()}");
        }

        if (!matchBudget)
        {
            return new ExperimentPlan(list, false, null);
        }

        if (!list.Contains(StrategyNames.Magicore))
        {
            return new ExperimentPlan(list, false, "--match-budget needs magicore in --strategies; running without budget matching.");
        }

        return new ExperimentPlan([StrategyNames.Magicore, .. list.Where(s => s != StrategyNames.Magicore)], true, null);
    }

    /// <summary>
    /// Runs the steps in order through <paramref name="runStep"/> and summarises them; null when a step returned null
    /// (it failed or was interrupted: the caller has said why). <paramref name="onResult"/> sees each strategy's line as
    /// soon as its step finished.
    /// </summary>
    public async Task<ExperimentSummary?> RunAsync(
        string input, string model, long seed, Func<ExperimentStep, CancellationToken, Task<StepOutcome?>> runStep,
        Action<StrategyResult>? onResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runStep);
        var results = new List<StrategyResult>();
        BudgetMatch? budget = null;
        foreach (var strategy in Strategies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int? k = budget is not null && BudgetMatched.Contains(strategy) ? budget.K : null;
            if (budget is not null && strategy == StrategyNames.SelfRefine)
            {
                // A Self-Refine run's cost depends on when it stops, so one calibration pass with a single run per problem
                // measures it; k independent runs then spend about MAgICoRe's mean generations.
                if (await runStep(new ExperimentStep(strategy, 1, Calibration: true), cancellationToken) is not { } calibration)
                {
                    return null;
                }

                var perRun = calibration.Rows.Select(r => r.Samples).DefaultIfEmpty(1).Average();
                var runs = Math.Max(1, (int)Math.Round(budget.GenerationsPerProblem / perRun, MidpointRounding.AwayFromZero));
                budget = budget with { SelfRefineRuns = runs, SelfRefineGenerationsPerRun = perRun };
                k = runs;
            }

            if (await runStep(new ExperimentStep(strategy, k), cancellationToken) is not { } outcome)
            {
                return null;
            }

            var result = StrategyResult.From(strategy, outcome.Rows, outcome.Summary, outcome.Results, outcome.Transcripts);
            results.Add(result);
            onResult?.Invoke(result);
            if (MatchBudget && strategy == StrategyNames.Magicore)
            {
                var matched = BudgetMatched.Where(Strategies.Contains).ToList();
                budget = new BudgetMatch(strategy, result.SamplesPerProblem, Math.Max(1, (int)Math.Round(result.SamplesPerProblem, MidpointRounding.AwayFromZero)), matched);
            }
        }

        return new ExperimentSummary(input, model, seed, results[0].Problems, Strategies, budget, results);
    }
}
