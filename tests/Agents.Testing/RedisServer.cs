using Xunit;
using System.Diagnostics;
using System.Net.Sockets;
using Agents.Testing;

namespace Agents.Testing;

/// <summary>A real redis-server on a free loopback port, started for a test and killed afterwards.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

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
    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        var exe = Executable() ?? throw new InvalidOperationException(UnavailableReason);
        var port = FreePort.Next();
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
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
        var server = new RedisServer(process, port);
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
