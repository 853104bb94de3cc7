using System.CommandLine;
using Agents.Cli.Batch;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents batch</c>: solve a dataset with one strategy.</summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var input = new Option<string?>("--input") { Description = "Dataset: JSONL or JSON array of GSM8K, MATH or generic rows (required unless --export)" };
        var strategy = new Option<string?>("--strategy") { Description = "cot | sc | bok | rmv | self-refine | magicore | iort | spc-search (required unless --export)" };
        var output = new Option<string?>("--output") { Description = "Output JSONL; rerunning resumes, skipping ids already in it (required unless --export)" };
        var model = new Option<string?>("--model") { Description = "sim (default) | openai:URL#MODEL" };
        var reward = new Option<string?>("--reward") { Description = "Reward model: sim (default) | http:URL[#MODEL] | judge:MODELSPEC (bok, rmv, magicore)" };
        var record = new Option<string?>("--record") { Description = "Append every model request/response to FILE (replay with --model replay:FILE)" };
        var mode = new Option<string>("--mode") { Description = "MAgICoRe paper|code switches (ALGORITHMS §1.10)", DefaultValueFactory = _ => "paper" };
        var mu = new Option<double?>("--mu") { Description = "MAgICoRe normalisation mean when no dataset barrier is wanted (with --sigma)" };
        var sigma = new Option<double?>("--sigma") { Description = "MAgICoRe normalisation std (with --mu)" };
        var k = new Option<int?>("--k") { Description = "Samples per problem (sc default 8; cot is always 1)" };
        var rounds = new Option<int?>("--rounds") { Description = "Refinement rounds of iterative strategies" };
        var concurrency = new Option<int>("--concurrency") { Description = "Runs in flight", DefaultValueFactory = _ => 16 };
        var seed = new Option<long>("--seed") { Description = "Run seed (with problem, role, round and index it fixes every request)", DefaultValueFactory = _ => 0 };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of a running cluster; absent = embedded silo" };
        var job = new Option<string?>("--job") { Description = "Job id (default: derived from input and settings)" };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature of sampled strategies (default 0.8)" };
        var voteKey = new Option<string>("--vote-key") { Description = "raw | normalized answer keys in votes", DefaultValueFactory = _ => "raw" };
        var keepEmpty = new Option<bool>("--keep-empty") { Description = "Count answerless chains as a vote key (MAgICoRe code behaviour)" };
        var equivalence = new Option<string>("--equivalence") { Description = "numeric | hendrycks | prm800k grading", DefaultValueFactory = _ => "numeric" };
        var attempts = new Option<int>("--max-attempts") { Description = "Attempts per problem before it is recorded as failed", DefaultValueFactory = _ => 3 };
        var instructorModel = new Option<string?>("--instructor-model") { Description = "iort: model spec of the Meta-Thinker and Instructor (default: --model)" };
        var metaMemory = new Option<string?>("--meta-memory") { Description = "iort: JSONL of {\"question\", \"meta_thought\"} pairs seeding the job's meta-memory" };
        var metaMemoryPolicy = new Option<string?>("--meta-memory-policy") { Description = "iort: snapshot (default; problems only read the memory) | shared-growing (each meta-thought is appended)" };
        var metaSimilarity = new Option<string?>("--meta-similarity") { Description = "iort: meta-thought retrieval, minilm (default; MiniLM sentence embeddings) | lexical (token Jaccard)" };
        var export = new Option<string?>("--export") { Description = "With --job ID --cluster C: write every result of the job to FILE and run nothing" };
        var order = new Option<string>("--order") { Description = "--export order: input (by input line) | completion", DefaultValueFactory = _ => "input" };
        var command = new Command("batch", "Solve every problem of a dataset with one strategy")
        {
            input, strategy, output, model, reward, k, rounds, concurrency, seed, cluster, job, temperature, voteKey, keepEmpty, equivalence, attempts,
            mode, mu, sigma, record, instructorModel, metaMemory, metaMemoryPolicy, metaSimilarity, export, order,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(export) is { } exportFile)
            {
                if (parse.GetValue(job) is not { } exportJob)
                {
                    await Console.Error.WriteLineAsync("error: --export needs --job ID (and --cluster redis://HOST:PORT)");
                    return ExitCodes.Error;
                }

                return await new JobTools(AnsiConsole.Console, Console.Error)
                    .ExportAsync(exportJob, parse.GetValue(cluster), exportFile, parse.GetValue(order)!, cancellationToken);
            }

            var missing = new[] { ("--input", parse.GetValue(input)), ("--strategy", parse.GetValue(strategy)), ("--output", parse.GetValue(output)) }
                .Where(o => string.IsNullOrWhiteSpace(o.Item2)).Select(o => o.Item1).ToList();
            if (missing.Count > 0)
            {
                await Console.Error.WriteLineAsync($"error: missing {string.Join(", ", missing)}");
                return ExitCodes.Error;
            }

            var settings = new BatchSettings(
                parse.GetValue(input)!, parse.GetValue(strategy)!, parse.GetValue(output)!, parse.GetValue(model), parse.GetValue(k),
                parse.GetValue(rounds), parse.GetValue(concurrency), parse.GetValue(seed), parse.GetValue(cluster), parse.GetValue(job),
                parse.GetValue(temperature), parse.GetValue(voteKey)!, parse.GetValue(keepEmpty), parse.GetValue(equivalence)!,
                parse.GetValue(attempts), parse.GetValue(reward), parse.GetValue(mode)!, parse.GetValue(mu), parse.GetValue(sigma),
                InstructorModel: parse.GetValue(instructorModel), MetaMemory: parse.GetValue(metaMemory),
                MetaMemoryPolicy: parse.GetValue(metaMemoryPolicy), Record: parse.GetValue(record), MetaSimilarity: parse.GetValue(metaSimilarity));
            return await new BatchRunner(AnsiConsole.Console, Console.Error, Interrupts.Process).RunAsync(settings, cancellationToken);
        });
        return command;
    }
}
