using System.Collections.Concurrent;
using Agents.Client;
using Agents.Contracts.Problems;
using Agents.Core.Problems;

namespace Agents.Dashboard.Services;

/// <summary>A job the dashboard knows: its id, strategy and model, input file, when it was submitted and (when known) its spec.</summary>
public sealed record JobEntry(string Id, string Strategy, string Model, string File, DateTimeOffset Submitted, StrategySpec? Spec = null)
{
    /// <summary>The entry of a job started from the dashboard with <paramref name="spec"/>.</summary>
    public static JobEntry Of(string id, StrategySpec spec, string file, DateTimeOffset submitted)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(id, spec.Name, spec.Model, file, submitted, spec);
    }
}

/// <summary>What a submission from the page produced: the job's id and the rows the reader rejected.</summary>
public sealed record Submission(string JobId, int Problems, IReadOnlyList<RejectedRow> Rejected);

/// <summary>A dataset read from a page upload or a shipped sample: its good problems, its rejected rows and the key its jobs derive their id from.</summary>
/// <param name="FileName">The file's name (what rejected rows name).</param>
/// <param name="Key">The file's name and the hash of its bytes.</param>
/// <param name="Problems">The good rows.</param>
/// <param name="Rejected">The rows the reader rejected, as <c>file:line: reason</c>.</param>
public sealed record Dataset(string FileName, string Key, IReadOnlyList<Problem> Problems, IReadOnlyList<RejectedRow> Rejected)
{
    /// <summary>Reads <paramref name="content"/> with the same reader as <c>agents batch</c>.</summary>
    /// <exception cref="ArgumentException">The file has no good row.</exception>
    public static Dataset Read(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var input = DatasetReader.Parse(content, fileName);
        var rejected = input.Errors.Select(e => new RejectedRow(e.File, e.Line, e.Reason)).ToList();
        if (input.Problems.Length == 0)
        {
            throw new ArgumentException($"{fileName}: no valid problem rows ({rejected.Count} rejected)");
        }

        return new Dataset(fileName, $"upload:{fileName}#{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))}", input.Problems, rejected);
    }
}

/// <summary>A job's state on one refresh: its progress and the rows read so far (as <c>agents batch</c> writes them).</summary>
public sealed record JobSnapshot(JobEntry Entry, JobProgress Progress, IReadOnlyList<OutputRow> Rows, JobSummary Summary)
{
    /// <summary>True once the job will produce no more results.</summary>
    public bool Finished => Progress.State is JobStates.Completed or JobStates.Cancelled;
}

/// <summary>
/// The jobs the dashboard lists and the calls its pages make, all through the shared <see cref="JobClient"/>: submit
/// (read the uploaded dataset, build the spec, upload), read progress and results, cancel.
/// </summary>
/// <remarks>
/// Job grains cannot be enumerated, so the list holds the jobs submitted through this host (from the pages, and through the
/// REST API's <see cref="JobCatalog"/>) plus any opened by id (<see cref="Track"/>); it lives as long as the process.
/// </remarks>
public sealed class DashboardJobs(IGrainFactory grains, JobCatalog catalog, TimeProvider time)
{
    private readonly JobClient _client = new(grains, time: time);
    private readonly ConcurrentDictionary<string, JobEntry> _jobs = new(StringComparer.Ordinal);

    /// <summary>The shared job client.</summary>
    public JobClient Client => _client;

    /// <summary>Known jobs, newest first.</summary>
    public IReadOnlyList<JobEntry> All =>
    [
        .. _jobs.Values.Concat(catalog.Jobs.Where(c => !_jobs.ContainsKey(c.Id)).Select(FromCatalog))
            .OrderByDescending(j => j.Submitted).ThenBy(j => j.Id, StringComparer.Ordinal),
    ];

    /// <summary>Reads <paramref name="content"/> as a dataset and starts a job over its good rows.</summary>
    /// <exception cref="ArgumentException">A setting is not valid, or the file has no good row.</exception>
    public async Task<Submission> SubmitAsync(string fileName, byte[] content, StrategyRequest request, int concurrency = 32)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = Dataset.Read(fileName, content);
        var jobId = await StartAsync(input, request.ToSpec(), concurrency);
        return new Submission(jobId, input.Problems.Count, input.Rejected);
    }

    /// <summary>
    /// Starts a job over a dataset already read (an experiment's strategies share one read); the job id is derived from the
    /// file's name, bytes and the spec, so the same file and settings give the same job.
    /// </summary>
    public async Task<string> StartAsync(Dataset input, StrategySpec spec, int concurrency = 32)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(spec);
        var jobId = StrategyRequest.DeriveJobId(input.Key, spec);
        _jobs.TryAdd(jobId, JobEntry.Of(jobId, spec, input.FileName, time.GetUtcNow()));
        await _client.UploadAsync(new JobSpec(jobId, spec, concurrency, 3), input.Problems, input.Rejected);
        return jobId;
    }

    /// <summary>Adds a job started elsewhere (the REST API, the CLI) to the list; false when no such job exists.</summary>
    public async Task<bool> Track(string jobId, StrategySpec? spec = null)
    {
        if (_jobs.ContainsKey(jobId))
        {
            return true;
        }

        if (await _client.GetProgressAsync(jobId) is null)
        {
            return false;
        }

        _jobs.TryAdd(jobId, catalog.Job(jobId) is { } known ? FromCatalog(known)
            : spec is null ? new JobEntry(jobId, "?", "", "", time.GetUtcNow()) : JobEntry.Of(jobId, spec, "", time.GetUtcNow()));
        return true;
    }

    /// <summary>The job's entry, or null when it is unknown.</summary>
    public JobEntry? Find(string jobId) =>
        _jobs.TryGetValue(jobId, out var entry) ? entry : catalog.Job(jobId) is { } known ? FromCatalog(known) : null;

    /// <summary>The job's progress only (cheap: one grain call); null when no such job exists.</summary>
    public Task<JobProgress?> ProgressAsync(string jobId) => _client.GetProgressAsync(jobId);

    /// <summary>The job's progress, its results in input order (up to <paramref name="maxRows"/>) and its summary.</summary>
    public async Task<JobSnapshot?> SnapshotAsync(string jobId, int maxRows)
    {
        if (!await Track(jobId))
        {
            return null;
        }

        var entry = _jobs[jobId];
        var progress = await _client.GetProgressAsync(jobId);
        if (progress is null)
        {
            return null;
        }

        var rows = new List<OutputRow>();
        var next = 0;
        while (rows.Count < maxRows)
        {
            var page = await _client.PageAsync(jobId, next, Math.Min(500, maxRows - rows.Count), ResultOrder.Input);
            rows.AddRange(page.Results.Select(r => OutputRow.From(r, jobId)));
            if (page.Finished || page.Next == next || page.Results.Length == 0)
            {
                break;
            }

            next = page.Next;
        }

        var finished = progress.State is JobStates.Completed or JobStates.Cancelled;
        var summary = JobSummary.From(progress, rows, time.GetUtcNow() - entry.Submitted, finished, entry.Spec, jobId);
        return new JobSnapshot(entry, progress, rows, summary);
    }

    /// <summary>The rejected rows the job keeps (the first 1000).</summary>
    public Task<ImmutableArray<RejectedRow>> RejectedAsync(string jobId, int max = 1000) => _client.Job(jobId).GetRejectedAsync(max);

    /// <summary>Cancels the job: no new runs start; runs in flight finish.</summary>
    public Task<JobProgress> CancelAsync(string jobId) => _client.CancelAsync(jobId);

    /// <summary>The run's agent conversation.</summary>
    public Task<ImmutableArray<TranscriptEntry>> TranscriptAsync(string jobId, string problemId) => _client.GetTranscriptAsync(jobId, problemId);

    private static JobEntry FromCatalog(CatalogEntry entry) => new(entry.Id, entry.Strategy, entry.Model, "", entry.StartedAt);
}
