using Agents.Core.Jobs;
using Agents.Grains.Driving;
using Orleans.Runtime.Messaging;

namespace Agents.Grains.Jobs;

/// <summary>
/// Runs one phase of one problem on its run grain (key = "{job}/{problem}") with the job's retry rules: a failure uses
/// up an attempt, a cluster fault (the run's silo is gone and not yet declared dead, the store is unreachable) does not,
/// for a while.
/// </summary>
internal static partial class ProblemRunner
{
    // Membership declares a killed silo dead after about 8 s on loopback (ORLEANS-NOTES §2); allow generous slack.
    private static readonly TimeSpan ClusterRecovery = TimeSpan.FromMinutes(2);

    // The wait before asking an unreachable run again.
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    /// <summary>What the phase reported, or a failed result once <see cref="JobSpec.MaxAttempts"/> attempts failed.</summary>
    public static async Task<PhaseResult> RunAsync(
        IGrainFactory grains, JobSpec spec, Problem problem, int phase, DatasetStats? stats, TimeProvider time, ILogger logger, int index = -1)
    {
        var request = new RunRequest(spec.JobId, problem, spec.Strategy, phase, stats, index);
        var run = grains.GetGrain<IProblemRunGrain>($"{spec.JobId}/{problem.Id}");
        string? lastError = null;
        var clusterDeadline = time.GetUtcNow() + ClusterRecovery;
        for (var attempt = 1; attempt <= spec.MaxAttempts; attempt++)
        {
            try
            {
                // Asked again while no answer comes: a lost answer must not hold the run in flight for the call timeout.
                return await PatientCalls.AskAsync(() => run.RunPhaseAsync(request), time,
                    (asks, waited) => LogAskingAgain(logger, spec.JobId, problem.Id, waited.TotalSeconds, asks + 1));
            }
            catch (Exception ex) when (IsClusterFault(ex) && time.GetUtcNow() < clusterDeadline)
            {
                // Not the run's fault, so wait and ask again (the run reactivates elsewhere from its last checkpoint)
                // without using up an attempt.
                LogClusterFault(logger, spec.JobId, problem.Id, ex.GetType().Name);
                attempt--;
                await Task.Delay(RetryEvery, time);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lastError = FailedRun.Describe(attempt, spec.MaxAttempts, ex);
                LogRunFailed(logger, ex, spec.JobId, problem.Id, attempt);
            }
        }

        return new PhaseResult(problem.Id, phase, null, FailedRun.For(problem, spec.Strategy.Name, phase, lastError));
    }

    // A silo gone, the store (Redis) restarting or unreachable, or the store gone back behind the run (its checkpoint
    // conflicted, so Orleans deactivated it and the next call reads what the store has): either way the run resumes from
    // its last stored checkpoint once the cluster recovers.
    private static bool IsClusterFault(Exception ex) =>
        ex is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException or ConnectionFailedException
        || StoreFaults.IsTransient(ex) || StoreFaults.IsRollback(ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: run of {ProblemId} unreachable ({Fault}); retrying while the cluster recovers")]
    private static partial void LogClusterFault(ILogger logger, string jobId, string problemId, string fault);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: run of {ProblemId} has not answered in {Seconds} s (it may still be working, or its answer was lost); asking again (ask {Ask}; a run answers a repeat from its stored result)")]
    private static partial void LogAskingAgain(ILogger logger, string jobId, string problemId, double seconds, int ask);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: run of {ProblemId} failed (attempt {Attempt})")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string jobId, string problemId, int attempt);
}
