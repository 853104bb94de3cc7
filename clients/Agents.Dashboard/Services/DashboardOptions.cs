namespace Agents.Dashboard.Services;

/// <summary>How the dashboard refreshes and what it accepts from the page.</summary>
public sealed class DashboardOptions
{
    /// <summary>Configuration section (<c>Agents:WebDashboard</c>; <c>Agents:Dashboard</c> is the silo's Orleans Dashboard).</summary>
    public const string SectionName = "Agents:WebDashboard";

    /// <summary>How often a live page asks the grains again (the changes reach the browser over the Blazor circuit).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest dataset file a page upload accepts.</summary>
    public long MaxUploadBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Results a job page reads (and lists) at most.</summary>
    public int MaxResultsShown { get; set; } = 5000;

    /// <summary>Where the shipped sample datasets are, relative to the host's binaries (the build copies <c>samples/*.jsonl</c> there).</summary>
    public string SamplesDirectory { get; set; } = "samples";

    /// <summary>Runs in flight per job an experiment starts.</summary>
    public int ExperimentConcurrency { get; set; } = 32;
}
