using System.ComponentModel.DataAnnotations;

namespace Agents.Grains.Jobs;

/// <summary>How long finished work keeps what it no longer needs (configuration section <c>Agents:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Retention";

    /// <summary>
    /// How long the runs of a finished (completed or cancelled) job keep their memoized steps when its results are not
    /// exported; exported results drop them at once. Zero drops them as soon as the job finishes. Default one day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan RunSteps { get; set; } = TimeSpan.FromDays(1);
}
