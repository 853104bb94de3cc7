namespace Agents.Core.Jobs;

/// <summary>
/// Tells recorded results from half-written ones. A flush writes results, then the chunks' completion marks, then the
/// job's result count; an activation that dies in between leaves marks whose sequence number is not below the stored
/// count. Those marks are dropped (their problems run again and are recorded at fresh sequence numbers).
/// </summary>
public static class JobRecovery
{
    /// <summary>The mark a chunk holds for a position that has no result.</summary>
    public const int Unfinished = -1;

    /// <summary>Whether a completion mark points at a result the job has recorded.</summary>
    public static bool IsRecorded(int sequence, int recordedCount) => sequence >= 0 && sequence < recordedCount;

    /// <summary>Resets every mark at or past <paramref name="recordedCount"/> to unfinished; returns how many it reset.</summary>
    public static int DropHalfWritten(IList<int> sequence, int recordedCount)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var dropped = 0;
        for (var i = 0; i < sequence.Count; i++)
        {
            if (sequence[i] >= recordedCount)
            {
                sequence[i] = Unfinished;
                dropped++;
            }
        }

        return dropped;
    }
}
