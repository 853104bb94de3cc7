using System.Text.Json;
using Agents.Cli.Commands;

namespace Agents.Cluster.Tests.Cli;

/// <summary><c>agents selfplay</c> on an embedded silo with the simulated players.</summary>
public sealed class SelfPlayCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-selfplay-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task SelfPlayStart_Embedded_PlaysBothRoundsAndExportsEveryGameOnceWithProvenance()
    {
        var output = Path.Combine(_dir.FullName, "games.jsonl");
        var exit = await AgentsCommand.Create().Parse(
            ["selfplay", "start", "--league", "cli", "--games-per-round", "5", "--rounds", "2", "--concurrency", "3", "--format", "raw", "--output", output])
            .InvokeAsync();

        Assert.Equal(0, exit);
        foreach (var round in new[] { 1, 2 })
        {
            var rows = File.ReadAllLines(Path.Combine(_dir.FullName, $"games.r{round}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(rows.Length, rows.Select(r => r.GetProperty("key").GetString()).Distinct().Count());
            Assert.Equal(5, rows.Count(r => r.GetProperty("valid").GetBoolean()));
            Assert.All(rows, r =>
            {
                Assert.Equal("cli", r.GetProperty("league").GetString());
                Assert.Equal(round, r.GetProperty("round").GetInt32());
                Assert.False(string.IsNullOrEmpty(r.GetProperty("prompt_hash").GetString()));
            });
        }
    }
}
