using System.Diagnostics;
using System.Text;
using Agents.Testing;
using Xunit.Abstractions;

namespace Agents.Deploy.Tests;

/// <summary>
/// Runs deploy/container/test.sh: silo and API images built here, a batch that survives a silo container kill, and the
/// API container reporting the job through the cluster.
/// </summary>
public sealed class ContainerTests(ITestOutputHelper output)
{
    [ContainerFact]
    public async Task ContainerBatch_OneSiloContainerKilled_EveryResultComesBackOnce()
    {
        var cli = CliProcess.AgentsDll;
        Assert.True(File.Exists(cli), $"{cli} is missing (this project builds Agents.Cli)");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(SharedData.RepoRoot, "deploy", "container", "test.sh"));
        info.Environment["AGENTS_CLI"] = cli;
        info.Environment["PROBLEMS"] = "200";

        var text = new StringBuilder();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        string log;
        lock (text)
        {
            log = text.ToString();
        }

        output.WriteLine(log);
        Assert.True(process.ExitCode == 0, $"test.sh exited {process.ExitCode}:\n{log}");
        var figure = log.Split('\n').Single(l => l.StartsWith("figure: container batch", StringComparison.Ordinal));
        Assert.Contains("lost 0 duplicated 0, ok 200", figure, StringComparison.Ordinal);
        Assert.Contains("figure: container api: job completed with 200/200 done through the API container; without a key 401", log, StringComparison.Ordinal);
    }
}

/// <summary>Skips the container test, with the reason, where podman, runc, debootstrap, redis-server or root are missing.</summary>
public sealed class ContainerFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a prerequisite is missing.</summary>
    public ContainerFactAttribute()
    {
        var missing = new[] { "podman", "runc", "debootstrap", "redis-server", "curl", "python3" }.Where(t => !OnPath(t)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"container test needs {string.Join(", ", missing)} (apt-get install -y podman runc debootstrap redis-server)";
        }
        else if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            Skip = "container test needs root (debootstrap and podman's storage)";
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"]).Any(dir => File.Exists(Path.Combine(dir, tool)));
}
