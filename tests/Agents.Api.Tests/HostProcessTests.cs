using System.Net.Http.Json;
using System.Text.Json;
using Agents.Testing;

namespace Agents.Api.Tests;

/// <summary>The host as a real process: what it prints, and what it refuses.</summary>
public sealed class HostProcessTests
{
    [Fact]
    public async Task Host_Port_PrintsListeningAndAnswersHealth()
    {
        var port = FreePort.Next();
        using var process = ChildProcess.Start("dotnet", [ChildProcess.ApiDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            string? line;
            var expected = $"listening on http://127.0.0.1:{port}";
            do
            {
                line = await process.StandardOutput.ReadLineAsync();
            }
            while (line is not null && line != expected);

            Assert.Equal(expected, line);
            using var http = new HttpClient();
            var health = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/health");
            Assert.Equal(("ok", 1), (health.GetProperty("status").GetString(), health.GetProperty("silos").GetInt32()));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Host_NonLoopbackWithoutKeys_RefusesToStart()
    {
        var (exit, output, errors) = await ChildProcess.RunAsync(
            "dotnet", [ChildProcess.ApiDll, "--urls", $"http://0.0.0.0:{FreePort.Next()}"],
            environment: new Dictionary<string, string> { ["AGENTS_API_KEYS"] = "" }, limit: TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.Contains("refusing to listen on http://0.0.0.0:", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }
}
