namespace Agents.Grains.Jobs;

/// <summary>Job status values.</summary>
public static class JobStates
{
    /// <summary>Created, problems being uploaded.</summary>
    public const string Created = "created";

    /// <summary>Runs are being started.</summary>
    public const string Running = "running";

    /// <summary>Every problem has a result.</summary>
    public const string Completed = "completed";

    /// <summary>Cancelled by the user; runs in flight finished.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>
/// A batch job's own persisted state: settings, status, counters and chunk sizes, a few hundred bytes however many
/// problems the job has (problems, marks and results live in chunk grains).
/// </summary>
[GenerateSerializer, Alias("agents.batch-job-state.v2")]
public sealed class BatchJobState
{
    /// <summary>The job's settings.</summary>
    [Id(0)] public JobSpec? Spec { get; set; }

    /// <summary>Problems per upload chunk, by chunk index (the problems are in <see cref="JobChunkGrain"/>s).</summary>
    [Id(1)] public Dictionary<int, int> Chunks { get; set; } = [];

    /// <summary>One of <see cref="JobStates"/>.</summary>
    [Id(2)] public string Status { get; set; } = JobStates.Created;

    /// <summary>The phase being run.</summary>
    [Id(3)] public int Phase { get; set; }

    /// <summary>Results recorded (the next completion sequence number).</summary>
    [Id(4)] public int ResultCount { get; set; }

    /// <summary>Recorded results whose status is failed.</summary>
    [Id(5)] public int Failed { get; set; }

    /// <summary>Recorded results graded correct.</summary>
    [Id(6)] public int Correct { get; set; }

    /// <summary>Barrier values recorded per phase.</summary>
    [Id(7)] public Dictionary<int, int> BarrierCounts { get; set; } = [];

    /// <summary>Statistics computed at each barrier, by the phase they feed.</summary>
    [Id(8)] public Dictionary<int, DatasetStats> PhaseStats { get; set; } = [];

    /// <summary>When the job completed or was cancelled (the retention age of its runs' steps counts from here).</summary>
    [Id(9)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Whether a client read every result of the finished job.</summary>
    [Id(10)] public bool Exported { get; set; }

    /// <summary>Whether the job's runs dropped their memoized steps.</summary>
    [Id(11)] public bool StepsDropped { get; set; }

    /// <summary>Completed or cancelled: no run starts again.</summary>
    public bool IsFinished => Status is JobStates.Completed or JobStates.Cancelled;
}

/// <summary>Input rows the client rejected: all counted, the first <see cref="BatchJobGrain.MaxRejectedKept"/> kept.</summary>
[GenerateSerializer, Alias("agents.job-rejected-state.v1")]
public sealed class JobRejectedState
{
    /// <summary>Rejected rows uploaded.</summary>
    [Id(0)] public int Total { get; set; }

    /// <summary>Upload chunk indices received (a repeated chunk is ignored).</summary>
    [Id(1)] public List<int> Chunks { get; set; } = [];

    /// <summary>The first rows, in upload order.</summary>
    [Id(2)] public List<RejectedRow> First { get; set; } = [];
}
