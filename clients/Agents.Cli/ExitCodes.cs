namespace Agents.Cli;

/// <summary>Exit codes of the CLI.</summary>
internal static class ExitCodes
{
    /// <summary>Everything done.</summary>
    public const int Ok = 0;

    /// <summary>The command could not run (bad option, missing file, unreachable cluster).</summary>
    public const int Error = 1;

    /// <summary>The good rows were solved but some input rows were rejected.</summary>
    public const int InputRejected = 2;

    /// <summary>A self-play command refused its settings (bad option, a league of that name with other settings).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by the user; rerun to resume.</summary>
    public const int Interrupted = 130;
}
