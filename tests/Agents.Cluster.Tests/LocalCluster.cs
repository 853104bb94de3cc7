using System.Diagnostics;
using System.Globalization;
using System.Text;
using Agents.Testing;

namespace Agents.Cluster.Tests;

/// <summary>
/// A cluster started the way a user starts one: <c>deploy/local/start.sh</c> (durable Redis with a generated password,
/// silos in the background, pid files), in a state directory of its own and on free ports, with the silo build next to
/// the tests (<c>--no-build</c> on a link to it). Stopped with <c>stop.sh</c> on dispose.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string> _siloEnvironment;

    private LocalCluster(string state, string[] arguments, IReadOnlyDictionary<string, string> siloEnvironment)
    {
        State = state;
        _arguments = arguments;
        _siloEnvironment = siloEnvironment;
    }

    /// <summary>The state directory (run/ and data/).</summary>
    public string State { get; }

    /// <summary>The connection string start.sh wrote (<c>redis://127.0.0.1:PORT</c>).</summary>
    public string Conn => Variables()["CONN"];

    /// <summary>What a client needs (the generated Redis password), read from run/env as a user would <c>source</c> it.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment =>
        new Dictionary<string, string> { ["AGENTS_REDIS_PASSWORD"] = Variables()["AGENTS_REDIS_PASSWORD"] };

    /// <summary>A cluster of <paramref name="silos"/> silos in <paramref name="state"/>; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="siloEnvironment">Environment of start.sh, inherited by the silos (their configuration, e.g. a simulated latency).</param>
    public static LocalCluster Create(string state, int silos, IReadOnlyDictionary<string, string> siloEnvironment)
    {
        var run = Directory.CreateDirectory(Path.Combine(state, "run")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(run, "bin"), Path.GetDirectoryName(SiloProcess.SiloDll)!);
        var siloPort = FreePort.NextRange(silos);
        var gatewayPort = FreePort.NextRange(silos);
        string[] arguments =
        [
            "--state", state, "--no-build", "--silos", silos.ToString(CultureInfo.InvariantCulture),
            "--redis-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture), "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
        ];
        return new LocalCluster(state, arguments, siloEnvironment);
    }

    /// <summary>Runs start.sh with the same arguments every time (a restart reuses the data and the password).</summary>
    public async Task<string> StartAsync()
    {
        var (exit, text) = await ScriptAsync("start.sh", _arguments, _siloEnvironment);
        return exit == 0 ? text : throw new InvalidOperationException($"start.sh exited {exit}:\n{text}\n{Logs()}");
    }

    /// <summary>The processes start.sh started, by pid file name (redis, silo-1, …).</summary>
    public IReadOnlyDictionary<string, int> Pids() =>
        Directory.EnumerateFiles(Path.Combine(State, "run"), "*.pid")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture));

    /// <summary>kill -9 every process start.sh started (the silos and Redis, no shutdown, no final AOF write); returns how many.</summary>
    public int KillAll()
    {
        var killed = 0;
        foreach (var pid in Pids().Values)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit();
                killed++;
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        return killed;
    }

    /// <summary>The silos' and Redis's logs, for a failure message.</summary>
    public string Logs() => string.Join('\n', Directory.EnumerateFiles(Path.Combine(State, "run"), "*.log")
        .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(40))}"));

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync("stop.sh", ["--state", State], new Dictionary<string, string>());
        KillAll();
    }

    private Dictionary<string, string> Variables() =>
        File.ReadAllLines(Path.Combine(State, "run", "env"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    private static async Task<(int Exit, string Text)> ScriptAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(SharedData.RepoRoot, "deploy", "local", script));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var text = new StringBuilder();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }
}
