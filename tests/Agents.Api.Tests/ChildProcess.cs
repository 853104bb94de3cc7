using System.Diagnostics;
using System.Text;
using Agents.Testing;

namespace Agents.Api.Tests;

/// <summary>A real child process (node, npm, the <c>agents</c> command, the API host) with its output captured.</summary>
internal static class ChildProcess
{
    /// <summary>The build configuration these tests were built in (the CLI and the host are built alongside).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The <c>agents</c> command's dll.</summary>
    public static string AgentsDll => Path.Combine(SharedData.RepoRoot, "clients", "Agents.Cli", "bin", Configuration, "net10.0", "agents.dll");

    /// <summary>The HTTP host's dll.</summary>
    public static string ApiDll => Path.Combine(SharedData.RepoRoot, "clients", "Agents.Api", "bin", Configuration, "net10.0", "Agents.Api.dll");

    /// <summary>Runs a program to its end (killed after <paramref name="limit"/>) and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(
        string file, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        using var process = Start(file, args, workingDirectory, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran past its limit:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a program with redirected output.</summary>
    public static Process Start(string file, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
    }

    /// <summary>Whether a program is on the PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}

/// <summary>A fact skipped, with the reason, where Node.js and npm are not installed.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!ChildProcess.OnPath("node") || !ChildProcess.OnPath("npm"))
        {
            Skip = "node and npm are not on the PATH; the official openai npm client cannot run here";
        }
    }
}
