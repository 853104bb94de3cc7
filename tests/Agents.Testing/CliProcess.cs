using System.Diagnostics;
using System.Text;

namespace Agents.Testing;

/// <summary>
/// The tests' child processes: the real <c>agents</c> command in its own process, with its own environment (secrets, TLS
/// settings), and any other program a test runs the same way (the HTTP host, node, npm), with its output captured.
/// </summary>
public static class CliProcess
{
    /// <summary>The build configuration the tests were built in (the command and the host are built alongside).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The <c>agents</c> command's dll (run with <c>dotnet</c>).</summary>
    public static string AgentsDll => Path.Combine(SharedData.RepoRoot, "clients", "Agents.Cli", "bin", Configuration, "net10.0", "agents.dll");

    /// <summary>The HTTP host's dll (run with <c>dotnet</c>).</summary>
    public static string ApiDll => Path.Combine(SharedData.RepoRoot, "clients", "Agents.Api", "bin", Configuration, "net10.0", "Agents.Api.dll");

    /// <summary>Runs <c>agents ARGS</c> and returns its exit code and everything it printed; killed after <paramref name="limit"/> (default 3 minutes).</summary>
    public static async Task<(int Exit, string Text)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? limit, params string[] args)
    {
        var text = new StringBuilder();
        using var process = Start(environment, text, args);
        await WaitBoundedAsync(process, limit, $"agents {string.Join(' ', args)}", () =>
        {
            lock (text)
            {
                return Task.FromResult(text.ToString());
            }
        });
        process.WaitForExit();
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }

    /// <summary>Starts <c>agents ARGS</c> and returns at once; what it prints is appended to <paramref name="text"/> (lock it to read).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, StringBuilder text, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(text);
        var process = StartProgram("dotnet", [AgentsDll, .. args], environment: environment);
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a program to its end (killed after <paramref name="limit"/>, default 3 minutes) and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunProgramAsync(
        string file, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        var arguments = args.ToArray();
        using var process = StartProgram(file, arguments, workingDirectory, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitBoundedAsync(process, limit, $"{file} {string.Join(' ', arguments)}", async () => $"{await stdout}\n{await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }

    // Waits for the process to exit; past the bound (default 3 minutes) it is killed and the timeout says what ran and printed.
    private static async Task WaitBoundedAsync(Process process, TimeSpan? limit, string what, Func<Task<string>> printed)
    {
        var bound = limit ?? TimeSpan.FromMinutes(3);
        using var cancel = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} ran past {bound}:\n{await printed()}");
        }
    }

    /// <summary>Starts a program with its standard output and error redirected (the caller reads them) and returns at once.</summary>
    public static Process StartProgram(
        string file, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
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
