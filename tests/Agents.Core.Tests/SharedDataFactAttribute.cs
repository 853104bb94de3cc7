using Agents.Testing;

namespace Agents.Core.Tests;

/// <summary>A fact that is skipped, with a clear reason, when a shared dataset file is absent on this machine.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute for one or more files under <c>../shared/datasets</c>; skipped when any is absent.</summary>
    public SharedDataFactAttribute(params string[] fileNames)
    {
        ArgumentNullException.ThrowIfNull(fileNames);
        FileName = fileNames.Length > 0 ? fileNames[0] : "";
        if (fileNames.FirstOrDefault(f => SharedData.Dataset(f) is null) is { } missing)
        {
            Skip = SharedData.MissingReason(missing);
        }
    }

    /// <summary>The dataset file the test reads.</summary>
    public string FileName { get; }
}
