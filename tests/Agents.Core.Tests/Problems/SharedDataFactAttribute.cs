using Agents.Testing;

namespace Agents.Core.Tests.Problems;

/// <summary>A fact that runs only when the named shared dataset file is present, and skips with a reason otherwise.</summary>
public sealed class ProblemsDataFactAttribute : FactAttribute
{
    /// <summary>Skips the test when <c>../shared/datasets/<paramref name="file"/></c> is absent.</summary>
    public ProblemsDataFactAttribute(string file)
    {
        if (SharedData.Dataset(file) is null)
        {
            Skip = SharedData.MissingReason(file);
        }
    }
}
