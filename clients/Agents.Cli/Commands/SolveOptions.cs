using Agents.Core.Answers;
using System.CommandLine;
using System.Globalization;
using Agents.Cli.Batch;
using Agents.Core.Strategies;

namespace Agents.Cli.Commands;

/// <summary>
/// The options <c>agents batch</c> and <c>agents experiment</c> share: model, sampling, grading, the job's limits, and the
/// strategies' own options (<c>--option key=value</c>, with named shorthands for the documented ones). Defined once.
/// </summary>
internal sealed class SolveOptions
{
    private readonly Option<string?> _model = new("--model") { Description = "sim (default) | openai:URL#MODEL | gguf:PATH | replay:FILE" };
    private readonly Option<string?> _reward = new("--reward") { Description = "Reward model: sim (default) | http:URL[#MODEL] | judge:MODELSPEC (bok, rmv, magicore)" };
    private readonly Option<int?> _k = new("--k") { Description = "Samples per problem of sampled strategies (sc default 8; cot is always 1)" };
    private readonly Option<int?> _rounds = new("--rounds") { Description = "Refinement rounds of iterative strategies" };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "Runs in flight", DefaultValueFactory = _ => 16 };
    private readonly Option<long> _seed = new("--seed") { Description = "Run seed (with problem, role, round and index it fixes every request)", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _cluster = new("--cluster") { Description = "redis://HOST:PORT of a running cluster; absent = embedded silo" };
    private readonly Option<double?> _temperature = new("--temperature") { Description = "Sampling temperature of sampled strategies (default 0.8)" };
    private readonly Option<string> _voteKey = new("--vote-key") { Description = "raw | normalized answer keys in votes", DefaultValueFactory = _ => "raw" };
    private readonly Option<bool> _keepEmpty = new("--keep-empty") { Description = "Count answerless chains as a vote key (MAgICoRe code behaviour)" };
    private readonly Option<string> _equivalence = new("--equivalence") { Description = "math-verify (default) | numeric | hendrycks | prm800k grading", DefaultValueFactory = _ => EquivalenceModes.DefaultName };
    private readonly Option<int> _attempts = new("--max-attempts") { Description = "Attempts per problem before it is recorded as failed", DefaultValueFactory = _ => 3 };
    private readonly Option<string[]> _option = new("--option")
    {
        Description = "A strategy option key=value, repeatable; the strategies and their options:\n" + StrategyCatalog.Describe(),
        AllowMultipleArgumentsPerToken = false,
    };

    // Shorthands for documented strategy options: each becomes one --option entry (explicit --option entries win).
    private readonly (Option<string?> Flag, string Key)[] _shorthands =
    [
        (new("--mode") { Description = "magicore: paper (default) | code switches; same as --option mode=..." }, "mode"),
        (new("--instructor-model") { Description = "iort: model spec of the Meta-Thinker and Instructor (default: the silo's Agents:Models:Instructor when configured, else --model)" }, "instructor_model"),
        (new("--meta-memory-policy") { Description = "iort: snapshot (default; problems only read the memory) | shared-growing (each meta-thought is appended)" }, "meta_memory_policy"),
        (new("--self-refine-form") { Description = "self-refine: one-call (default; feedback and rewrite in one completion, as the official loop) | two-call" }, "form"),
        (new("--meta-similarity") { Description = "iort: meta-thought retrieval, minilm (default; MiniLM sentence embeddings) | lexical (token Jaccard)" }, "meta_memory_similarity"),
    ];

    private readonly Option<double?> _mu = new("--mu") { Description = "magicore: normalisation mean when no dataset barrier is wanted (with --sigma)" };
    private readonly Option<double?> _sigma = new("--sigma") { Description = "magicore: normalisation std (with --mu)" };

    /// <summary>The <c>--cluster</c> option (batch's export path reads it too).</summary>
    public Option<string?> Cluster => _cluster;

    /// <summary>Adds every shared option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _model, _reward, _k, _rounds, _concurrency, _seed, _cluster, _temperature, _voteKey, _keepEmpty, _equivalence, _attempts, _option, _mu, _sigma })
        {
            command.Options.Add(option);
        }

        foreach (var (flag, _) in _shorthands)
        {
            command.Options.Add(flag);
        }
    }

    /// <summary>The batch settings the shared options give, for the dataset, strategy and output named.</summary>
    public BatchSettings Bind(ParseResult parse, string input, string strategy, string output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        List<string> options = [.. _shorthands.Where(s => parse.GetValue(s.Flag) is not null).Select(s => $"{s.Key}={parse.GetValue(s.Flag)}")];
        if (parse.GetValue(_mu) is { } mu)
        {
            options.Add("mu=" + mu.ToString("R", CultureInfo.InvariantCulture));
        }

        if (parse.GetValue(_sigma) is { } sigma)
        {
            options.Add("sigma=" + sigma.ToString("R", CultureInfo.InvariantCulture));
        }

        options.AddRange(parse.GetValue(_option) ?? []);
        return new BatchSettings(
            input, strategy, output, parse.GetValue(_model), parse.GetValue(_k), parse.GetValue(_rounds), parse.GetValue(_concurrency),
            parse.GetValue(_seed), parse.GetValue(_cluster), Temperature: parse.GetValue(_temperature), VoteKey: parse.GetValue(_voteKey)!,
            KeepEmpty: parse.GetValue(_keepEmpty), Equivalence: parse.GetValue(_equivalence)!, MaxAttempts: parse.GetValue(_attempts),
            Reward: parse.GetValue(_reward), Options: options);
    }
}
