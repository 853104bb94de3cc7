using Agents.Testing;

namespace Agents.Api.Tests;

/// <summary>A fact skipped, with the reason, where Node.js and npm are not installed.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!CliProcess.OnPath("node") || !CliProcess.OnPath("npm"))
        {
            Skip = "node and npm are not on the PATH; the official openai npm client cannot run here";
        }
    }
}
