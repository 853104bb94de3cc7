using Agents.Core.Jobs;

namespace Agents.Grains.Jobs;

/// <summary>
/// One upload chunk of a batch job (key = "{job}/{chunk}"). Problems are written once; the marks (completion sequence
/// numbers and barrier values) are a second, small state written whenever the job records something in the chunk.
/// Not reentrant, so writes to each state run one at a time. Leaves memory soon after the job moves on.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class JobChunkGrain(
    [PersistentState("job-chunk", StorageNames.Agents)] IPersistentState<JobChunkState> stored,
    [PersistentState("job-marks", StorageNames.Agents)] IPersistentState<JobMarksState> recorded) : Grain, IJobChunkGrain
{
    /// <summary>Most problems one chunk accepts (the CLI uploads 1000 at a time).</summary>
    public const int MaxProblems = 10_000;

    public async Task<int> AddAsync(ImmutableArray<Problem> problems)
    {
        if (stored.State.Problems.Count > 0)
        {
            return stored.State.Problems.Count;
        }

        if (problems.Length > MaxProblems)
        {
            throw new ArgumentException($"a chunk holds at most {MaxProblems} problems, got {problems.Length}", nameof(problems));
        }

        stored.State.Problems = [.. problems];
        await stored.WriteStateAsync();
        recorded.State.Sequence = [.. Enumerable.Repeat(JobRecovery.Unfinished, problems.Length)];
        await recorded.WriteStateAsync();
        return problems.Length;
    }

    public Task<JobChunkView> LoadAsync(int phase) => Task.FromResult(new JobChunkView(
        [.. stored.State.Problems], [.. recorded.State.Sequence], [.. Barrier(phase).Keys.Order()]));

    public async Task<JobChunkCounts> ReconcileAsync(int validBelow, int phase)
    {
        var sequence = recorded.State.Sequence;
        if (JobRecovery.DropHalfWritten(sequence, validBelow) > 0)
        {
            await recorded.WriteStateAsync();
        }

        return new JobChunkCounts(stored.State.Problems.Count, sequence.Count(s => s >= 0), Barrier(phase).Count);
    }

    public async Task RecordAsync(JobChunkMarks marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        var sequence = recorded.State.Sequence;
        for (var i = 0; i < marks.FinishedPositions.Length; i++)
        {
            sequence[marks.FinishedPositions[i]] = marks.FinishedSequence[i];
        }

        if (marks.BarrierPositions.Length > 0)
        {
            if (!recorded.State.Barriers.TryGetValue(marks.Phase, out var barrier))
            {
                recorded.State.Barriers[marks.Phase] = barrier = [];
            }

            for (var i = 0; i < marks.BarrierPositions.Length; i++)
            {
                barrier[marks.BarrierPositions[i]] = marks.BarrierValues[i];
            }
        }

        await recorded.WriteStateAsync();
        if (sequence.Count == stored.State.Problems.Count && sequence.TrueForAll(s => s >= 0))
        {
            // Every problem of the chunk has its final result: the job will not read or mark this chunk again.
            DeactivateOnIdle();
        }
    }

    public Task<ImmutableArray<int>> GetSequenceNumbersAsync() => Task.FromResult(recorded.State.Sequence.ToImmutableArray());

    public Task<ImmutableArray<double>> GetBarrierValuesAsync(int phase) =>
        Task.FromResult(Barrier(phase).OrderBy(b => b.Key).Select(b => b.Value).ToImmutableArray());

    public async Task ClearAsync()
    {
        await recorded.ClearStateAsync();
        await stored.ClearStateAsync();
        DeactivateOnIdle();
    }

    private Dictionary<int, double> Barrier(int phase) => recorded.State.Barriers.GetValueOrDefault(phase) ?? [];
}

/// <summary>A chunk's problems, written once at upload.</summary>
[GenerateSerializer, Alias("agents.job-chunk-state.v1")]
public sealed class JobChunkState
{
    /// <summary>The problems in upload order.</summary>
    [Id(0)] public List<Problem> Problems { get; set; } = [];
}

/// <summary>What the job recorded about a chunk's problems.</summary>
[GenerateSerializer, Alias("agents.job-marks-state.v1")]
public sealed class JobMarksState
{
    /// <summary>Per position: the completion sequence number of the problem's result, or -1.</summary>
    [Id(0)] public List<int> Sequence { get; set; } = [];

    /// <summary>Barrier values by phase, then by position.</summary>
    [Id(1)] public Dictionary<int, Dictionary<int, double>> Barriers { get; set; } = [];
}
