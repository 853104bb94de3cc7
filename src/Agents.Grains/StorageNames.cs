namespace Agents.Grains;

/// <summary>Grain storage provider names; hosting registers memory or Redis storage under these names.</summary>
public static class StorageNames
{
    /// <summary>The storage of run, job and agent state.</summary>
    public const string Agents = "agents";
}
