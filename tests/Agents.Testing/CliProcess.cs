using System.Diagnostics;
using System.Text;

namespace Agents.Testing;

/// <summary>The real <c>agents</c> command in its own process, with its own environment (secrets, TLS settings).</summary>
public static class CliProcess
{
    /// <summary>Runs <c>agents ARGS</c> and returns its exit code and everything it printed; killed after <paramref name="limit"/> (default 3 minutes).</summary>
    public static async Task<(int Exit, string Text)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? limit, params string[] args)
    {
        var text = new StringBuilder();
        using var process = Start(environment, text, args);
        var bound = limit ?? TimeSpan.FromMinutes(3);
        using var cancel = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agents {string.Join(' ', args)} ran past {bound}:\n{text}");
        }

        process.WaitForExit();
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }

    /// <summary>Starts <c>agents ARGS</c> and returns at once; what it prints is appended to <paramref name="text"/> (lock it to read).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, StringBuilder text, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(text);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(SharedData.RepoRoot, "clients", "Agents.Cli", "bin", configuration, "net10.0", "agents.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
