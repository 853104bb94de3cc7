using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Agents.Cli.Hosting;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Contracts.Instructing;
using Agents.Inference.Embeddings;
using Agents.Core.Answers;
using Agents.Core.Iort;
using Agents.Core.Problems;
using Agents.Core.SelfRefine;
using Agents.Core.Strategies;
using Agents.Core.Voting;
using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>Everything <c>agents batch</c> was asked to do.</summary>
internal sealed record BatchSettings(
    string Input,
    string Strategy,
    string Output,
    string? Model = null,
    int? K = null,
    int? Rounds = null,
    int Concurrency = 16,
    long Seed = 0,
    string? Cluster = null,
    string? JobId = null,
    double? Temperature = null,
    string VoteKey = "raw",
    bool KeepEmpty = false,
    string Equivalence = "numeric",
    int MaxAttempts = 3,
    string? Reward = null,
    string Mode = "paper",
    double? Mu = null,
    double? Sigma = null,
    string? Transcripts = null,
    string? InstructorModel = null,
    string? MetaMemory = null,
    string? MetaMemoryPolicy = null,
    string? Record = null,
    string? MetaSimilarity = null,
    string? SelfRefineForm = null);

/// <summary>Exit codes of the CLI.</summary>
internal static class ExitCodes
{
    /// <summary>Everything done.</summary>
    public const int Ok = 0;

    /// <summary>The command could not run (bad option, missing file, unreachable cluster).</summary>
    public const int Error = 1;

    /// <summary>The good rows were solved but some input rows were rejected.</summary>
    public const int InputRejected = 2;

    /// <summary>Interrupted by the user; rerun to resume.</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// Runs <c>agents batch</c>: reads the dataset (reporting bad rows as <c>file:line: reason</c>), skips ids already in the
/// output, uploads the rest to a batch job grain, appends results as they finish, and writes the summary. With
/// <paramref name="interrupts"/>, a second Ctrl-C soon after a cluster batch detached cancels the job.
/// </summary>
internal sealed class BatchRunner(IAnsiConsole console, TextWriter errors, Interrupts? interrupts = null)
{
    /// <summary>How long a detached cluster client waits for a second Ctrl-C that cancels the job.</summary>
    public static readonly TimeSpan CancelWindow = TimeSpan.FromSeconds(3);

    private const int UploadChunk = 1000;
    private bool _detached;

    // Rows appended by this invocation, so an interrupted run's summary still counts them.
    private int _appended;

    public async Task<int> RunAsync(BatchSettings settings, CancellationToken cancellationToken)
    {
        var spec = BuildSpec(settings, out var specError);
        if (spec is null)
        {
            await errors.WriteLineAsync($"error: {specError}");
            return ExitCodes.Error;
        }

        var memorySeed = ImmutableArray<MetaExample>.Empty;
        if (settings.MetaMemory is { } seedFile)
        {
            using var reader = new StreamReader(seedFile);
            var seed = MetaMemorySeed.ReadJsonl(reader);
            foreach (var error in seed.Errors)
            {
                await errors.WriteLineAsync($"{seedFile}:{error}");
            }

            memorySeed = seed.Examples;
        }

        DatasetReadResult input;
        try
        {
            input = DatasetReader.Read(settings.Input);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"error: cannot read input: {ex.Message}");
            return ExitCodes.Error;
        }

        foreach (var error in input.Errors)
        {
            await errors.WriteLineAsync(error.ToString());
        }

        if (input.Errors.Length > 0)
        {
            await errors.WriteLineAsync($"{input.Errors.Length} input row(s) rejected; the {input.Problems.Length} good row(s) are solved.");
        }

        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } outputDirectory)
        {
            Directory.CreateDirectory(outputDirectory);
        }

        var existing = OutputFile.ReadAndRepair(settings.Output);
        var done = existing.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var todo = input.Problems.Where(p => !done.Contains(p.Id)).ToImmutableArray();
        var jobId = settings.JobId ?? DeriveJobId(settings, spec);
        var stopwatch = Stopwatch.StartNew();
        var interrupted = false;
        var mode = string.IsNullOrWhiteSpace(settings.Cluster) ? "embedded" : "cluster";
        var newRuns = 0;
        if (todo.Length == 0)
        {
            console.MarkupLine($"[grey]All {input.Problems.Length} problems already have results in {Markup.Escape(settings.Output)}; 0 new runs.[/]");
        }
        else
        {
            if (existing.Count > 0)
            {
                console.MarkupLine($"[grey]Resuming: {existing.Count} problems already in {Markup.Escape(settings.Output)}, {todo.Length} to run.[/]");
            }

            try
            {
                newRuns = await SolveAsync(settings, spec, jobId, todo, done, memorySeed, input.Errors, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                newRuns = _appended;
            }
        }

        var rows = OutputFile.ReadAndRepair(settings.Output);
        var summary = BatchSummary.From(
            rows, spec.Name, string.IsNullOrEmpty(spec.Model) ? "sim" : spec.Model, mode, jobId, input.Errors.Length, newRuns,
            stopwatch.Elapsed.TotalSeconds, Switches(spec));
        summary.Write(SidePath(settings.Output, ".summary.json"));
        console.Write(summary.ToTable());
        if (interrupted)
        {
            if (!_detached)
            {
                await errors.WriteLineAsync("interrupted: finished results are saved; rerun the same command to resume.");
            }

            return ExitCodes.Interrupted;
        }

        return input.Errors.Length > 0 ? ExitCodes.InputRejected : ExitCodes.Ok;
    }

    /// <summary>The path next to the output: r.jsonl -> r.summary.json, r.transcripts.jsonl.</summary>
    public static string SidePath(string output, string suffix)
    {
        var directory = Path.GetDirectoryName(output);
        var name = Path.GetFileNameWithoutExtension(output) + suffix;
        return string.IsNullOrEmpty(directory) ? name : Path.Combine(directory, name);
    }

    private async Task<int> SolveAsync(
        BatchSettings settings, StrategySpec spec, string jobId, ImmutableArray<Problem> todo, HashSet<string> done,
        ImmutableArray<MetaExample> memorySeed, ImmutableArray<InputError> rejected, CancellationToken cancellationToken)
    {
        var configuration = new Dictionary<string, string?>();
        if (settings.Record is { Length: > 0 } record)
        {
            // Every model request and response is appended to this file; --model replay:FILE serves them back.
            configuration["Agents:Models:Record"] = Path.GetFullPath(record);
        }

        await using var connection = await AgentsConnection.OpenAsync(settings.Cluster, configuration, cancellationToken);
        using var secondPress = connection.Embedded ? null : interrupts?.ClaimSecondPress();
        if (memorySeed.Length > 0)
        {
            // The iort runs of this job read the memory named after the job; pairs already there are not added again.
            var added = await connection.Grains.GetGrain<IMetaMemoryGrain>(jobId)
                .SeedAsync([.. memorySeed.Select(e => new MetaExampleRecord(e.Question, e.MetaThought))]);
            console.MarkupLine($"[grey]Meta-memory {Markup.Escape(jobId)}: {added} of {memorySeed.Length} seed pair(s) added.[/]");
        }

        var job = connection.Grains.GetGrain<IBatchJobGrain>(jobId);
        await job.CreateAsync(new JobSpec(jobId, spec, settings.Concurrency, settings.MaxAttempts));
        for (var i = 0; i * UploadChunk < todo.Length; i++)
        {
            await job.AddProblemsAsync(i, [.. todo.Skip(i * UploadChunk).Take(UploadChunk)]);
        }

        // The rows rejected at read time go into the job's record too (`agents job status` shows them).
        for (var i = 0; i * UploadChunk < rejected.Length; i++)
        {
            await job.AddRejectedAsync(i, [.. rejected.Skip(i * UploadChunk).Take(UploadChunk).Select(e => new RejectedRow(e.File, e.Line, e.Reason))]);
        }

        await job.StartAsync();
        if (!connection.Embedded)
        {
            console.MarkupLine($"Job [bold]{Markup.Escape(jobId)}[/] started on {Markup.Escape(connection.Description)}.");
        }

        var written = 0;
        try
        {
            written = await AttachAsync(settings, spec, jobId, todo, done, connection, job, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !connection.Embedded)
        {
            // Ctrl-C in cluster mode detaches: the job lives in the cluster (kept going by its reminder), only the
            // client stops polling. Said before the client disconnects, so it shows even if the process is cut short.
            _detached = true;
            await errors.WriteLineAsync(DetachMessage(jobId, connection.Description));
            if (interrupts is not null)
            {
                await errors.WriteLineAsync($"press Ctrl-C again within {CancelWindow.TotalSeconds:0} s to cancel job {jobId} instead");
                if (await Task.WhenAny(interrupts.Second, Task.Delay(CancelWindow, CancellationToken.None)) == interrupts.Second)
                {
                    await job.CancelAsync();
                    await errors.WriteLineAsync(CancelMessage(jobId));
                }
            }

            throw;
        }

        return written;
    }

    /// <summary>What a detached cluster client prints: the job goes on; how to look at it and re-attach.</summary>
    public static string DetachMessage(string jobId, string cluster) =>
        $"detached; job {jobId} keeps running — `agents job status {jobId} --cluster {cluster}` or rerun with --job {jobId} to re-attach";

    /// <summary>What a second Ctrl-C prints once it has cancelled the job.</summary>
    public static string CancelMessage(string jobId) =>
        $"second Ctrl-C: job {jobId} cancelled; no new runs start and the runs in flight finish";

    private async Task<int> AttachAsync(
        BatchSettings settings, StrategySpec spec, string jobId, ImmutableArray<Problem> todo, HashSet<string> done,
        AgentsConnection connection, IBatchJobGrain job, CancellationToken cancellationToken)
    {
        var written = 0;
        await using var output = new StreamWriter(settings.Output, append: true, new UTF8Encoding(false));
        await using var transcripts = connection.Embedded
            ? new StreamWriter(settings.Transcripts ?? SidePath(settings.Output, ".transcripts.jsonl"), append: true, new UTF8Encoding(false))
            : null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{spec.Name} k={spec.K}", maxValue: todo.Length);
                var phases = (await job.GetProgressAsync()).Phases;
                var next = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var page = await PollAsync(() => job.GetResultsAsync(next, 500), cancellationToken);
                    // A cluster job re-attached after a client restart pages from the start: skip what the file has.
                    foreach (var result in page.Results.Where(r => done.Add(r.ProblemId)))
                    {
                        written++;
                        _appended++;
                        await output.WriteLineAsync(JsonSerializer.Serialize(OutputRow.From(result, jobId), OutputRow.Json));
                        if (transcripts is not null)
                        {
                            await WriteTranscriptAsync(connection, transcripts, jobId, result.ProblemId);
                        }
                    }

                    await output.FlushAsync(cancellationToken);
                    next = page.Next;
                    task.Value = written;
                    if (page.Finished)
                    {
                        break;
                    }

                    if (page.Results.Length == 0 && phases > 1)
                    {
                        var progressNow = await job.GetProgressAsync();
                        task.Description = $"{spec.Name} phase {progressNow.Phase + 1}/{progressNow.Phases} ({progressNow.PhaseDone}/{progressNow.Total})";
                    }

                    if (page.Results.Length == 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                    }
                }

                task.StopTask();
            });

        // Reconcile: every uploaded problem must end up in the file once. A result the job did not page out (e.g. one
        // recorded by an activation that a silo failure replaced) is asked of its run grain, which answers idempotently.
        foreach (var problem in todo.Where(p => !done.Contains(p.Id)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunResult result;
            try
            {
                result = await connection.Grains.GetGrain<IProblemRunGrain>($"{jobId}/{problem.Id}").RunAsync(new RunRequest(jobId, problem, spec), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = new RunResult(problem.Id, spec.Name, null, problem.Gold, problem.Gold is null ? null : false, "failed",
                    $"not reported by the job and not recoverable from its run: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}",
                    Contracts.Solving.TokenUsage.None, 0, 0, "", "", problem.Line, [], [], [], ImmutableDictionary<string, string>.Empty);
            }

            await errors.WriteLineAsync($"warning: {problem.Id} was missing from the job's results; took it from its run ({result.Status})");
            await output.WriteLineAsync(JsonSerializer.Serialize(OutputRow.From(result, jobId), OutputRow.Json));
            done.Add(problem.Id);
            written++;
            _appended++;
        }

        await output.FlushAsync(cancellationToken);
        if (transcripts is not null)
        {
            await transcripts.FlushAsync(cancellationToken);
        }

        return written;
    }

    // While a lost silo is being declared dead (several seconds) calls to grains it hosted fail; the job resumes from
    // its last checkpoint on another silo, so the client keeps asking for up to a minute before giving up.
    private async Task<T> PollAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is not OperationCanceledException && DateTime.UtcNow < deadline)
            {
                await errors.WriteLineAsync($"warning: the job did not answer ({ex.GetType().Name}); retrying while the cluster recovers");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static async Task WriteTranscriptAsync(AgentsConnection connection, StreamWriter transcripts, string jobId, string problemId)
    {
        var entries = await connection.Grains.GetGrain<IProblemRunGrain>($"{jobId}/{problemId}").GetTranscriptAsync();
        await transcripts.WriteLineAsync(JsonSerializer.Serialize(new { job = jobId, problem_id = problemId, messages = entries }, OutputRow.Json));
    }

    private static StrategySpec? BuildSpec(BatchSettings settings, out string? error)
    {
        error = StrategyNames.Validate(settings.Strategy);
        if (error is not null)
        {
            return null;
        }

        try
        {
            if (settings.K is < 1)
            {
                throw new ArgumentException($"--k must be at least 1, got {settings.K}");
            }

            if (settings.Concurrency < 1)
            {
                throw new ArgumentException($"--concurrency must be at least 1, got {settings.Concurrency}");
            }

            if (settings.Record is { Length: > 0 } && !string.IsNullOrWhiteSpace(settings.Cluster))
            {
                throw new ArgumentException("--record works on the embedded silo; in cluster mode start the silos with Agents__Models__Record=FILE");
            }

            if (settings.Mode is not ("paper" or "code"))
            {
                throw new ArgumentException($"--mode must be paper or code, got '{settings.Mode}'");
            }

            if (settings.Mu.HasValue != settings.Sigma.HasValue)
            {
                throw new ArgumentException("--mu and --sigma go together (MAgICoRe's normalisation for a run without a dataset)");
            }

            var options = ImmutableDictionary<string, string>.Empty.Add("mode", settings.Mode);
            var iortOnly = new[] { ("--instructor-model", settings.InstructorModel), ("--meta-memory", settings.MetaMemory), ("--meta-memory-policy", settings.MetaMemoryPolicy), ("--meta-similarity", settings.MetaSimilarity) };
            if (settings.Strategy != StrategyNames.Iort && iortOnly.FirstOrDefault(o => o.Item2 is not null) is ({ } flag, not null))
            {
                throw new ArgumentException($"{flag} applies to --strategy iort only");
            }

            if (settings.Strategy == StrategyNames.Iort)
            {
                // Recorded in the spec, hence in the job id and the summary: the instructor model, the seed file and the policy.
                options = options.Add("meta_memory_policy", MetaMemoryPolicies.Name(MetaMemoryPolicies.Parse(settings.MetaMemoryPolicy ?? "snapshot")));
                var similarity = (settings.MetaSimilarity ?? SimilarityRegistry.MiniLm).Trim().ToLowerInvariant();
                if (!SimilarityRegistry.Names.Contains(similarity))
                {
                    throw new ArgumentException($"--meta-similarity must be one of {string.Join(", ", SimilarityRegistry.Names)}, got '{settings.MetaSimilarity}'");
                }

                options = options.Add("meta_memory_similarity", similarity);
                if (!string.IsNullOrWhiteSpace(settings.InstructorModel))
                {
                    options = options.Add("instructor_model", settings.InstructorModel);
                }

                if (settings.MetaMemory is { } file)
                {
                    var hash = XxHash64.HashToUInt64(File.ReadAllBytes(file)).ToString("x16", CultureInfo.InvariantCulture);
                    options = options.Add("meta_memory_seed", $"{Path.GetFileName(file)}#{hash}");
                }
            }

            if (settings.Strategy == StrategyNames.SelfRefine && settings.SelfRefineForm is { } form)
            {
                options = options.Add("form", SelfRefineOptions.FormName(SelfRefineOptions.ParseForm(form)));
            }

            if (settings.Mu is { } mu && settings.Sigma is { } sigma)
            {
                options = options.Add("mu", mu.ToString("R", CultureInfo.InvariantCulture)).Add("sigma", sigma.ToString("R", CultureInfo.InvariantCulture));
            }

            return StrategyDefaults.Create(
                settings.Strategy, settings.K, settings.Rounds, settings.Temperature, settings.Seed, settings.Model ?? "",
                VoteKeys.Parse(settings.VoteKey), !settings.KeepEmpty, EquivalenceModes.Parse(settings.Equivalence),
                settings.Reward ?? "", options);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read --meta-memory: {ex.Message}";
            return null;
        }
    }

    // Same input, strategy and settings -> same job id, so a rerun asks the same questions (same seeds).
    private static string DeriveJobId(BatchSettings settings, StrategySpec spec)
    {
        var key = $"{Path.GetFullPath(settings.Input)}|{spec}";
        return "job-" + XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> Switches(StrategySpec spec) => new(spec.Options)
    {
        ["rounds"] = spec.Rounds.ToString(CultureInfo.InvariantCulture),
        ["reward"] = string.IsNullOrEmpty(spec.Reward) ? "default" : spec.Reward,
        ["k"] = spec.K.ToString(CultureInfo.InvariantCulture),
        ["temperature"] = spec.Temperature.ToString(CultureInfo.InvariantCulture),
        ["top_p"] = spec.TopP.ToString(CultureInfo.InvariantCulture),
        ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
        ["vote_key"] = spec.VoteKey,
        ["empty_answers"] = spec.DropEmpty ? "dropped" : "kept",
        ["equivalence"] = spec.Equivalence,
    };
}
