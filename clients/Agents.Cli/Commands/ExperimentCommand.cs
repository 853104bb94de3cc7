using System.CommandLine;
using Agents.Cli.Batch;
using Agents.Cli.Experiment;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents experiment</c>: run several strategies on the same problems and compare them.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Dataset: JSONL or JSON array of GSM8K, MATH or generic rows", Required = true };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated: cot,sc,bok,rmv,self-refine,magicore", Required = true };
        var outputDir = new Option<string>("--output-dir") { Description = "Directory for results-<strategy>.jsonl, transcripts, summary.json, report.md and the plot", Required = true };
        var matchBudget = new Option<bool>("--match-budget") { Description = "Run magicore first, then give sc and bok k = round(MAgICoRe's mean generations per problem)" };
        var model = new Option<string?>("--model") { Description = "sim (default) | openai:URL#MODEL" };
        var reward = new Option<string?>("--reward") { Description = "Reward model: sim (default) | http:URL[#MODEL] | judge:MODELSPEC (bok, rmv, magicore)" };
        var mode = new Option<string>("--mode") { Description = "MAgICoRe paper|code switches (docs/algorithms.md §1.10)", DefaultValueFactory = _ => "paper" };
        var mu = new Option<double?>("--mu") { Description = "MAgICoRe normalisation mean when no dataset barrier is wanted (with --sigma)" };
        var sigma = new Option<double?>("--sigma") { Description = "MAgICoRe normalisation std (with --mu)" };
        var k = new Option<int?>("--k") { Description = "Samples per problem of every sampled strategy (cot is always 1)" };
        var rounds = new Option<int?>("--rounds") { Description = "Refinement rounds of iterative strategies" };
        var concurrency = new Option<int>("--concurrency") { Description = "Runs in flight", DefaultValueFactory = _ => 16 };
        var seed = new Option<long>("--seed") { Description = "Run seed, the same for every strategy", DefaultValueFactory = _ => 0 };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of a running cluster; absent = embedded silo" };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature of sampled strategies (default 0.8)" };
        var voteKey = new Option<string>("--vote-key") { Description = "raw | normalized answer keys in votes", DefaultValueFactory = _ => "raw" };
        var keepEmpty = new Option<bool>("--keep-empty") { Description = "Count answerless chains as a vote key (MAgICoRe code behaviour)" };
        var equivalence = new Option<string>("--equivalence") { Description = "numeric | hendrycks | prm800k grading", DefaultValueFactory = _ => "numeric" };
        var attempts = new Option<int>("--max-attempts") { Description = "Attempts per problem before it is recorded as failed", DefaultValueFactory = _ => 3 };
        var selfRefineForm = new Option<string?>("--self-refine-form") { Description = "self-refine: one-call (default; feedback and rewrite in one completion, as the official loop) | two-call" };
        var command = new Command("experiment", "Run several strategies on the same problems, model and seed; write a comparison report")
        {
            input, strategies, outputDir, matchBudget, model, reward, k, rounds, concurrency, seed, cluster, temperature, voteKey, keepEmpty,
            equivalence, attempts, mode, mu, sigma, selfRefineForm,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var batch = new BatchSettings(
                parse.GetValue(input)!, "", "", parse.GetValue(model), parse.GetValue(k), parse.GetValue(rounds), parse.GetValue(concurrency),
                parse.GetValue(seed), parse.GetValue(cluster), null, parse.GetValue(temperature), parse.GetValue(voteKey)!,
                parse.GetValue(keepEmpty), parse.GetValue(equivalence)!, parse.GetValue(attempts), parse.GetValue(reward),
                parse.GetValue(mode)!, parse.GetValue(mu), parse.GetValue(sigma)) { SelfRefineForm = parse.GetValue(selfRefineForm) };
            var settings = new ExperimentSettings(batch, parse.GetValue(strategies)!.Split(','), parse.GetValue(outputDir)!, parse.GetValue(matchBudget));
            return await new ExperimentRunner(AnsiConsole.Console, Console.Error).RunAsync(settings, cancellationToken);
        });
        return command;
    }
}
