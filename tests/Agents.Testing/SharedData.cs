namespace Agents.Testing;

/// <summary>Finds the read-only shared folder (datasets, models) next to the repository, when present.</summary>
public static class SharedData
{
    /// <summary>The repository root (the folder holding Agents.sln).</summary>
    public static string RepoRoot { get; } = FindUp("Agents.sln") ?? throw new InvalidOperationException("Agents.sln not found above " + AppContext.BaseDirectory);

    /// <summary>The shared folder (../shared from the repository root), or null when absent.</summary>
    public static string? SharedRoot { get; } = Directory.Exists(Path.Combine(RepoRoot, "..", "shared"))
        ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"))
        : null;

    /// <summary>The full path of a shared dataset file, or null when the shared folder or the file is absent.</summary>
    public static string? Dataset(string fileName)
    {
        if (SharedRoot is null)
        {
            return null;
        }

        var path = Path.Combine(SharedRoot, "datasets", fileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>A reason to skip a test when a shared dataset file is absent.</summary>
    public static string MissingReason(string fileName) => $"../shared/datasets/{fileName} is not present on this machine";

    private static string? FindUp(string marker)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
