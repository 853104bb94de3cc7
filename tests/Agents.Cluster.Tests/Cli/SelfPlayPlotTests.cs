using System.Buffers.Binary;
using System.Text.Json;
using Agents.Cli.Commands;
using Agents.Cli.Spc;
using Agents.Client.Leagues;
using Agents.Contracts.SelfPlay;

namespace Agents.Cluster.Tests.Cli;

/// <summary><c>agents selfplay status|start --plot</c>: the per-round PNG and the data it draws.</summary>
public sealed class SelfPlayPlotTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-selfplay-plot-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static RoundSummary Round(int round, bool closed, double attacked, double original, double vsSolver, double vsCritic) =>
        new(round, closed, "", "", 10, 8, attacked, original, vsSolver, vsCritic, 1 - vsSolver, 0, 100, 1000, 500, 0, 0, 12, 9);

    [Fact]
    public void Series_ClosedRounds_FourRatesInPercentInRoundOrder()
    {
        RoundSummary[] rounds = [Round(2, true, 0.7, 0.9, 0.6, 0.3), Round(1, true, 0.5, 0.8, 0.4, 0.5), Round(3, false, 0, 0, 0, 0)];

        var series = RoundPlot.Series(rounds);

        Assert.Equal(
            ["critic accuracy, attacked steps", "critic accuracy, original steps", "generator success vs solver", "generator success vs critic"],
            series.Select(s => s.Name));
        Assert.All(series, s => Assert.Equal([1.0, 2.0], s.Rounds));
        Assert.Equal([50.0, 70.0], series[0].Percent);
        Assert.Equal([80.0, 90.0], series[1].Percent);
        Assert.Equal([40.0, 60.0], series[2].Percent);
        Assert.Equal([50.0, 30.0], series[3].Percent);
    }

    [Fact]
    public void Save_Status_PngOfTheRequestedSize()
    {
        var status = new LeagueStatus("plot", LeagueStates.Completed, 3, 0, 0, null, [Round(1, true, 0.5, 0.8, 0.4, 0.5), Round(2, true, 0.7, 0.9, 0.6, 0.3)]);
        var path = Path.Combine(_dir.FullName, "rounds.png");

        RoundPlot.Save(status, path, 640, 360);

        var (width, height) = PngSize(File.ReadAllBytes(path));
        Assert.Equal((640, 360), (width, height));
    }

    [Fact]
    public async Task SelfPlayStart_EmbeddedWithOptionsAndPlot_WritesPngAndPublishedDataset()
    {
        var plot = Path.Combine(_dir.FullName, "league.png");
        var output = Path.Combine(_dir.FullName, "data.jsonl");
        var exit = await AgentsCommand.Create().Parse(
        [
            "selfplay", "start", "--league", "cli-plot", "--games-per-round", "4", "--rounds", "2", "--concurrency", "2",
            "--option", "games_per_problem=2", "--option", "max_game_attempts=2", "--format", "trl", "--output", output, "--plot", plot,
        ]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal((800, 500), PngSize(File.ReadAllBytes(plot)));
        foreach (var round in new[] { 1, 2 })
        {
            var rows = File.ReadAllLines(Path.Combine(_dir.FullName, $"data.r{round}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.NotEmpty(rows);
            foreach (var player in new[] { "generator", "critic" })
            {
                var rewards = rows.Where(r => r.GetProperty("player").GetString() == player).Select(r => r.GetProperty("reward").GetDouble()).ToArray();
                if (rewards.Contains(1.0) && rewards.Contains(-1.0))
                {
                    Assert.Equal(rewards.Count(r => r > 0), rewards.Count(r => r < 0));
                }
            }

            var pairs = File.ReadAllLines(Path.Combine(_dir.FullName, $"data.r{round}.pairs.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.NotEmpty(pairs);
            Assert.All(pairs, p => Assert.Contains(p.GetProperty("synthesized").GetString(), new[] { "none", "chosen", "rejected" }));
        }
    }

    [Fact]
    public async Task SelfPlayStart_UnknownOption_ExitsWithUsageError()
    {
        var exit = await AgentsCommand.Create().Parse(["selfplay", "start", "--league", "bad", "--option", "colour=red"]).InvokeAsync();

        Assert.Equal(2, exit);
    }

    // The signature, then the IHDR chunk: length (4), "IHDR" (4), width (4, big endian), height (4).
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 1000, $"PNG of {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
