using System.Globalization;
using Agents.Contracts.Runs;

namespace Agents.Core.Jobs;

/// <summary>The result a job records for a problem whose run failed on every attempt.</summary>
public static class FailedRun
{
    /// <summary>The status of a failed result.</summary>
    public const string Status = "failed";

    /// <summary>One attempt's error: attempt number, exception type and the first line of its message.</summary>
    public static string Describe(int attempt, int maxAttempts, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return $"attempt {attempt}/{maxAttempts}: {exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}";
    }

    /// <summary>A failed result: no answer, incorrect when there is a gold answer, the phase it failed in as a detail.</summary>
    public static RunResult For(Problem problem, string strategy, int phase, string? error)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new RunResult(
            problem.Id, strategy, null, problem.Gold, problem.Gold is null ? null : false, Status, error,
            TokenUsage.None, 0, 0, "", "", problem.Line, [], [], [],
            ImmutableDictionary<string, string>.Empty.Add("failed_in_phase", phase.ToString(CultureInfo.InvariantCulture)));
    }
}
