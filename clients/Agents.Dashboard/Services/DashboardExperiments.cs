using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Agents.Client;
using Agents.Client.Experiments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agents.Dashboard.Services;

/// <summary>What the experiments page asks for: the strategies and the settings they share.</summary>
/// <param name="Strategies">Strategy names, in the order asked.</param>
/// <param name="K">Samples per problem; null = each strategy's default.</param>
/// <param name="Rounds">Refinement rounds; null = each strategy's default.</param>
/// <param name="Model">Model spec; null = the silo's default.</param>
/// <param name="Seed">The seed every strategy runs with.</param>
/// <param name="MatchBudget">SC and BoK (and Self-Refine) spend MAgICoRe's mean generations per problem.</param>
public sealed record ExperimentRequest(IReadOnlyList<string> Strategies, int? K, int? Rounds, string? Model, long Seed, bool MatchBudget);

/// <summary>One step of an experiment as the page shows it: the strategy, its k and the job that runs it.</summary>
public sealed record ExperimentJob(ExperimentStep Step, string JobId, int K);

/// <summary>An experiment's state on one refresh.</summary>
/// <param name="Id">The experiment id (derived from the dataset and the request: the same ones give the same experiment).</param>
/// <param name="File">The dataset's file name.</param>
/// <param name="Problems">Good rows in the dataset.</param>
/// <param name="Rejected">Rows the reader rejected.</param>
/// <param name="Plan">The validated plan (strategies in the order they run).</param>
/// <param name="Started">When it started.</param>
/// <param name="State"><c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Jobs">The steps started so far, with their jobs.</param>
/// <param name="Results">The strategies finished so far, in run order.</param>
/// <param name="Summary">The summary once every strategy finished.</param>
public sealed record ExperimentSnapshot(
    string Id, string File, int Problems, int Rejected, ExperimentPlan Plan, DateTimeOffset Started, string State, string? Error,
    IReadOnlyList<ExperimentJob> Jobs, IReadOnlyList<StrategyResult> Results, ExperimentSummary? Summary)
{
    /// <summary>True once nothing more will change.</summary>
    public bool Finished => State is ExperimentStates.Completed or ExperimentStates.Failed;
}

/// <summary>Experiment states.</summary>
public static class ExperimentStates
{
    /// <summary>Strategies are running.</summary>
    public const string Running = "running";

    /// <summary>Every strategy finished; the summary is there.</summary>
    public const string Completed = "completed";

    /// <summary>A step failed or a job was cancelled.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// Experiments started from the dashboard: the shared <see cref="ExperimentPlan"/> (the logic <c>agents experiment</c> runs)
/// with each step run as a job through <see cref="DashboardJobs"/> and followed through the shared <see cref="JobClient"/>.
/// </summary>
/// <remarks>
/// An experiment runs in this host's process (its jobs run in the cluster); the list lives as long as the process. Starting
/// the same dataset and request again returns the experiment already there unless it failed.
/// </remarks>
public sealed class DashboardExperiments(DashboardJobs jobs, IOptions<DashboardOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _experiments = new(StringComparer.Ordinal);

    /// <summary>Every experiment, newest first.</summary>
    public IReadOnlyList<ExperimentSnapshot> All => [.. _experiments.Values.Select(e => e.Snapshot()).OrderByDescending(e => e.Started).ThenBy(e => e.Id, StringComparer.Ordinal)];

    /// <summary>The experiment, or null.</summary>
    public ExperimentSnapshot? Find(string id) => _experiments.TryGetValue(id, out var entry) ? entry.Snapshot() : null;

    /// <summary>The shipped sample datasets (<c>*.jsonl</c> in <see cref="DashboardOptions.SamplesDirectory"/>), by file name.</summary>
    public IReadOnlyList<string> Samples
    {
        get
        {
            var dir = SamplesDirectory;
            return Directory.Exists(dir) ? [.. Directory.EnumerateFiles(dir, "*.jsonl").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];
        }
    }

    /// <summary>A shipped sample's bytes; <see cref="ArgumentException"/> for a name that is not one of <see cref="Samples"/>.</summary>
    public async Task<byte[]> ReadSampleAsync(string name)
    {
        // Only a listed name is read: the page's value never becomes a path by itself.
        if (!Samples.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"no shipped sample named '{name}'");
        }

        return await File.ReadAllBytesAsync(Path.Combine(SamplesDirectory, name));
    }

    /// <summary>
    /// Validates the request (every strategy and setting, before anything runs) and starts the experiment over the dataset's
    /// good rows; returns its id.
    /// </summary>
    /// <exception cref="ArgumentException">A strategy or setting is not valid, or the dataset has no good row.</exception>
    public string Start(Dataset dataset, ExperimentRequest request)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(request);
        var plan = ExperimentPlan.Create(request.Strategies, [], request.MatchBudget);
        foreach (var strategy in plan.Strategies)
        {
            _ = ToRequest(request, strategy, null).ToSpec();
        }

        var key = string.Join('|', dataset.Key, string.Join(',', plan.Strategies), request.K, request.Rounds, request.Model, request.Seed, plan.MatchBudget);
        var id = "exp-" + XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
        var entry = new Entry(id, dataset, request, plan, time.GetUtcNow());
        var added = _experiments.AddOrUpdate(id, entry, (_, existing) => existing.Snapshot().State == ExperimentStates.Failed ? entry : existing);
        if (ReferenceEquals(added, entry))
        {
            entry.Run = RunAsync(entry, lifetime.ApplicationStopping);
        }

        return id;
    }

    private async Task RunAsync(Entry entry, CancellationToken cancellationToken)
    {
        // Off the caller's context: the page's event handler returns as soon as the experiment is registered.
        await Task.Yield();
        try
        {
            var summary = await entry.Plan.RunAsync(
                entry.Dataset.FileName, entry.Request.Model ?? "default", entry.Request.Seed, (step, token) => RunStepAsync(entry, step, token),
                entry.Add, cancellationToken);
            entry.Finish(summary, summary is null ? entry.Error ?? "a step did not finish" : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            entry.Finish(null, $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
        }
    }

    private async Task<StepOutcome?> RunStepAsync(Entry entry, ExperimentStep step, CancellationToken cancellationToken)
    {
        var spec = ToRequest(entry.Request, step.Strategy, step.K).ToSpec();
        var started = time.GetTimestamp();
        var jobId = await jobs.StartAsync(entry.Dataset, spec, options.Value.ExperimentConcurrency);
        entry.Add(new ExperimentJob(step, jobId, spec.K));
        var rows = new List<OutputRow>();
        await foreach (var page in jobs.Client.FollowAsync(jobId, 0, cancellationToken))
        {
            rows.AddRange(page.Results.Select(r => OutputRow.From(r, jobId)));
        }

        if ((await jobs.ProgressAsync(jobId))?.State is JobStates.Cancelled)
        {
            entry.Error = $"job {jobId} ({step.Strategy}) was cancelled";
            return null;
        }

        var summary = BatchSummary.From(
            rows, spec.Name, string.IsNullOrEmpty(spec.Model) ? "default" : spec.Model, "host", jobId, entry.Dataset.Rejected.Count, rows.Count,
            time.GetElapsedTime(started).TotalSeconds, BatchSummary.SwitchesOf(spec));
        // Results are the job's (download them from its page); transcripts stay with the job's runs.
        return new StepOutcome(rows, summary, jobId, null);
    }

    private static StrategyRequest ToRequest(ExperimentRequest request, string strategy, int? k) => new()
    {
        Strategy = strategy,
        Model = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model.Trim(),
        K = k ?? request.K,
        Rounds = request.Rounds,
        Seed = request.Seed,
        SkipForeignOptions = true,
    };

    private string SamplesDirectory => Path.Combine(AppContext.BaseDirectory, options.Value.SamplesDirectory);

    // The mutable state of one experiment; the page reads snapshots.
    private sealed class Entry(string id, Dataset dataset, ExperimentRequest request, ExperimentPlan plan, DateTimeOffset started)
    {
        private readonly Lock _lock = new();
        private readonly List<ExperimentJob> _jobs = [];
        private readonly List<StrategyResult> _results = [];
        private string _state = ExperimentStates.Running;
        private ExperimentSummary? _summary;

        public Dataset Dataset => dataset;

        public ExperimentRequest Request => request;

        public ExperimentPlan Plan => plan;

        public string? Error { get; set; }

        public Task? Run { get; set; }

        public void Add(ExperimentJob job)
        {
            lock (_lock)
            {
                _jobs.Add(job);
            }
        }

        public void Add(StrategyResult result)
        {
            lock (_lock)
            {
                _results.Add(result);
            }
        }

        public void Finish(ExperimentSummary? summary, string? error)
        {
            lock (_lock)
            {
                _summary = summary;
                Error = error;
                _state = summary is null ? ExperimentStates.Failed : ExperimentStates.Completed;
            }
        }

        public ExperimentSnapshot Snapshot()
        {
            lock (_lock)
            {
                return new ExperimentSnapshot(
                    id, dataset.FileName, dataset.Problems.Count, dataset.Rejected.Count, plan, started, _state, Error, [.. _jobs], [.. _results], _summary);
            }
        }
    }
}
