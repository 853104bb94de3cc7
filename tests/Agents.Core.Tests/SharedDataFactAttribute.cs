using Agents.Testing;

namespace Agents.Core.Tests;

/// <summary>A fact that is skipped, with a clear reason, when a shared dataset file is absent on this machine.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute for a file under <c>../shared/datasets</c>.</summary>
    public SharedDataFactAttribute(string fileName)
    {
        FileName = fileName;
        if (SharedData.Dataset(fileName) is null)
        {
            Skip = SharedData.MissingReason(fileName);
        }
    }

    /// <summary>The dataset file the test reads.</summary>
    public string FileName { get; }
}
