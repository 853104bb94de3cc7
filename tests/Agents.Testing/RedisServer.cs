using Xunit;
using System.Diagnostics;
using System.Net.Sockets;
using Agents.Testing;

namespace Agents.Testing;

/// <summary>A real redis-server on a free loopback port, started for a test and killed afterwards.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _password;
    private int _disposed;

    private RedisServer(Process process, int port, string? password, string? dataDirectory)
    {
        _process = process;
        Port = port;
        _password = password;
        DataDirectory = dataDirectory;
    }

    /// <summary>Where a durable server keeps its append-only file, or null for one without persistence.</summary>
    public string? DataDirectory { get; }

    /// <summary>Whether the process has exited (killed, crashed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>"127.0.0.1:PORT".</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Why Redis tests cannot run here, or null when redis-server is on PATH.</summary>
    public static string? UnavailableReason { get; } = Executable() is null
        ? "redis-server is not on PATH (CI installs it: apt-get install -y redis-server)"
        : null;

    /// <summary>Starts redis-server without persistence and waits until it accepts connections.</summary>
    /// <param name="password">When set, clients must authenticate with it (<c>--requirepass</c>).</param>
    public static Task<RedisServer> StartAsync(string? password = null) => StartCoreAsync(password, null, null);

    /// <summary>
    /// Starts a durable redis-server: append-only file in <paramref name="dataDirectory"/> (<c>appendfsync everysec</c>, as
    /// deploy/local/start.sh runs it), on <paramref name="port"/> (a free one when null), and waits until it serves.
    /// </summary>
    public static Task<RedisServer> StartDurableAsync(string dataDirectory, int? port = null) => StartCoreAsync(null, dataDirectory, port);

    /// <summary>
    /// Starts redis-server speaking TLS only (no plaintext port) with the given PEM certificate and key, without
    /// persistence; clients need not present a certificate.
    /// </summary>
    public static Task<RedisServer> StartTlsAsync(string certificatePem, string keyPem) =>
        StartCoreAsync(null, null, null, ["--tls-cert-file", certificatePem, "--tls-key-file", keyPem, "--tls-ca-cert-file", certificatePem, "--tls-auth-clients", "no"]);

    /// <summary>The same server again (same port, same data directory), e.g. after <see cref="Kill"/>.</summary>
    public Task<RedisServer> RestartAsync() => StartCoreAsync(_password, DataDirectory, Port);

    /// <summary>kill -9: no shutdown, no final write.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGSTOP: the server holds its connections but answers nothing until <see cref="ContinueAsync"/>.</summary>
    public Task StopAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT: a stopped server answers again.</summary>
    public Task ContinueAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static async Task<RedisServer> StartCoreAsync(string? password, string? dataDirectory, int? fixedPort, string[]? tls = null)
    {
        var exe = Executable() ?? throw new InvalidOperationException(UnavailableReason);
        var port = fixedPort ?? FreePort.Next();
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = dataDirectory is null
            ? ["--save", "", "--appendonly", "no"]
            : ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", dataDirectory];
        string[] ports = tls is null
            ? ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : ["--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. tls];
        foreach (var arg in ports.Concat(["--bind", "127.0.0.1"]).Concat(persistence))
        {
            info.ArgumentList.Add(arg);
        }

        if (!string.IsNullOrEmpty(password))
        {
            info.ArgumentList.Add("--requirepass");
            info.ArgumentList.Add(password);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, password, dataDirectory);
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync("127.0.0.1", port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(10), $"redis-server listening on {port}");
            return server;
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string? Executable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that is skipped, with the reason, where redis-server is not installed.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Redis is unavailable.</summary>
    public RedisFactAttribute()
    {
        if (RedisServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
