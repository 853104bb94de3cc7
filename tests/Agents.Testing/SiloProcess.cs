using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Agents.Testing;

/// <summary>A real Agents.Silo process on loopback, joined to a Redis cluster; killed on dispose.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>A label for messages.</summary>
    public string Name { get; }

    /// <summary>Whether the silo process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the silo printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The silo executable built next to the tests (same configuration).</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(SharedData.RepoRoot, "silos", "Agents.Silo", "bin", configuration, "net10.0", "Agents.Silo.dll");
        }
    }

    /// <summary>The setting that lists a model spec on a silo (<c>Agents:Models:Named:listed-N</c>), so clients may send it.</summary>
    public static string ListModel(string spec) => $"--Agents:Models:Named:listed-{(uint)StringComparer.Ordinal.GetHashCode(spec)}={spec}";

    /// <summary>Starts a silo process and returns at once (it may refuse to start, or never join: see <see cref="Log"/>).</summary>
    /// <param name="name">A label for messages.</param>
    /// <param name="redis">The Redis endpoint.</param>
    /// <param name="clusterId">The cluster id.</param>
    /// <param name="metadata">Silo metadata (<c>--Orleans:Metadata:KEY=VALUE</c>).</param>
    /// <param name="settings">More configuration, e.g. <c>--Agents:Models:Retry:MaxRetryAttempts=1</c>.</param>
    /// <param name="environment">Environment variables of the silo process (secrets come only from there).</param>
    public static SiloProcess Launch(
        string name, string redis, string clusterId, IReadOnlyDictionary<string, string> metadata, IEnumerable<string>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        info.ArgumentList.Add(SiloDll);
        info.ArgumentList.Add($"--Agents:Cluster:Redis={redis}");
        info.ArgumentList.Add($"--Agents:Cluster:ClusterId={clusterId}");
        info.ArgumentList.Add($"--Agents:Cluster:SiloPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        info.ArgumentList.Add($"--Agents:Cluster:GatewayPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        info.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
        foreach (var (key, value) in metadata)
        {
            info.ArgumentList.Add($"--Orleans:Metadata:{key}={value}");
        }

        foreach (var setting in settings ?? [])
        {
            info.ArgumentList.Add(setting);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var silo = new SiloProcess(process, name);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Starts a silo and waits until its host reports "Application started".</summary>
    /// <param name="name">A label for messages.</param>
    /// <param name="redis">The Redis endpoint.</param>
    /// <param name="clusterId">The cluster id.</param>
    /// <param name="metadata">Silo metadata (<c>--Orleans:Metadata:KEY=VALUE</c>).</param>
    /// <param name="settings">More configuration, e.g. <c>--Agents:Models:Retry:MaxRetryAttempts=1</c>.</param>
    /// <param name="environment">Environment variables of the silo process (secrets come only from there).</param>
    public static async Task<SiloProcess> StartAsync(
        string name, string redis, string clusterId, IReadOnlyDictionary<string, string> metadata, IEnumerable<string>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // The ports are free when chosen, but another process (any outgoing connection takes an ephemeral port) may bind
        // one before the silo does; a silo that exits for that reason is started again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            var silo = Launch(name, redis, clusterId, metadata, settings, environment);
            var process = silo._process;
            var exited = process.WaitForExitAsync();
            Task first;
            try
            {
                first = await Task.WhenAny(silo._started.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                first = Task.CompletedTask;
            }

            if (first == silo._started.Task)
            {
                return silo;
            }

            var log = silo.Log;
            await silo.DisposeAsync();
            if (first == exited && attempt < 3 && log.Contains("AddressInUseException", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException($"silo {name} did not start (exited: {first == exited}, attempt {attempt}):\n{log}");
        }
    }

    /// <summary>Stops the silo gracefully (SIGTERM: it leaves membership) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}
