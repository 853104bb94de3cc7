using System.Diagnostics;
using Agents.Testing;

namespace Agents.Dashboard.Tests;

/// <summary>
/// The real <c>Agents.Api</c> host as a child process (embedded silo, simulated model) on a free loopback port; the
/// browser tests drive its dashboard. Shared by the tests of the <see cref="DashboardHost"/> collection; without API keys
/// (loopback), or with one (<see cref="KeyedApiProcess"/>).
/// </summary>
public class ApiProcess : IAsyncLifetime
{
    private readonly List<string> _output = [];
    private Process? _process;

    /// <summary>A host without API keys.</summary>
    public ApiProcess()
        : this(null)
    {
    }

    /// <summary>A host that needs <paramref name="apiKey"/> (null = no keys).</summary>
    protected ApiProcess(string? apiKey) => ApiKey = apiKey;

    /// <summary>The host's one API key, or null when it has none.</summary>
    public string? ApiKey { get; }

    /// <summary>The root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The repository root (where Agents.sln is).</summary>
    public static string RepoRoot => SharedData.RepoRoot;

    /// <summary>Where screenshots and other browser artifacts go (TestResults/dashboard, not committed).</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(RepoRoot, "TestResults", "dashboard")).FullName;

    public async Task InitializeAsync()
    {
        var dll = CliProcess.ApiDll;
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ApiKey is null)
        {
            start.Environment.Remove("AGENTS_API_KEYS");
        }
        else
        {
            start.Environment["AGENTS_API_KEYS"] = ApiKey;
        }

        // A more fallible simulated solver (declared simulation parameter), so MAgICoRe finds some of 20 problems hard and refines them.
        start.Environment["Agents__Simulation__SlipBase"] = "0.3";
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the API host exited:\n" + Output));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var url = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Address = new Uri(url.TrimEnd('/') + "/");
    }

    /// <summary>What the host printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(60));
            }
        }
    }

    private void OnLine(string? line, TaskCompletionSource<string> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        const string prefix = "listening on ";
        if (line.StartsWith(prefix, StringComparison.Ordinal))
        {
            listening.TrySetResult(line[prefix.Length..].Trim());
        }
    }

    /// <summary>An HTTP client of the host (with the key as a bearer header when it has one).</summary>
    public HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = Address };
        if (ApiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        }

        return http;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}

/// <summary>A host with one random API key (the dashboard then asks a browser to sign in).</summary>
public sealed class KeyedApiProcess() : ApiProcess("test-" + Guid.NewGuid().ToString("N"));

/// <summary>The browser tests that share one keyless host (each test uses its own jobs, experiments and leagues).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardHost : ICollectionFixture<ApiProcess>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dashboard host";
}
