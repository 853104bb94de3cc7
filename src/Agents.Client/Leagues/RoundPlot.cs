using Agents.Contracts.SelfPlay;
using ScottPlot;

namespace Agents.Client.Leagues;

/// <summary>One line of the round plot: a per-round rate in percent.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Rounds">Round numbers (x).</param>
/// <param name="Percent">The rate of each round, in percent (y).</param>
public sealed record RoundSeries(string Name, double[] Rounds, double[] Percent);

/// <summary>Draws a league's per-round critic accuracy and generator success (<c>agents selfplay status --plot FILE.png</c>).</summary>
public static class RoundPlot
{
    /// <summary>The four lines, from the closed rounds' statistics in round order (open rounds have no statistics yet).</summary>
    public static IReadOnlyList<RoundSeries> Series(IEnumerable<RoundSummary> rounds)
    {
        var closed = rounds.Where(r => r.Closed).OrderBy(r => r.Round).ToArray();
        double[] x = [.. closed.Select(r => (double)r.Round)];
        RoundSeries Line(string name, Func<RoundSummary, double> rate) => new(name, x, [.. closed.Select(r => rate(r) * 100)]);
        return
        [
            Line("critic accuracy, attacked steps", r => r.CriticAccuracyAttacked),
            Line("critic accuracy, original steps", r => r.CriticAccuracyOriginal),
            Line("generator success vs solver", r => r.GeneratorSuccessVsSolver),
            Line("generator success vs critic", r => r.GeneratorSuccessVsCritic),
        ];
    }

    /// <summary>Renders the plot of a league's closed rounds to a PNG file.</summary>
    public static void Save(LeagueStatus status, string path, int width = 800, int height = 500)
    {
        using var plot = Create(status, Series(status?.Rounds ?? []));
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// <paramref name="series"/> (some or all of <see cref="Series"/>) as SVG markup, titled <paramref name="title"/> (null = the
    /// PNG's title).
    /// </summary>
    public static string Svg(LeagueStatus status, IReadOnlyList<RoundSeries> series, string? title = null, int width = 640, int height = 320)
    {
        using var plot = Create(status, series, title);
        return plot.GetSvgHtml(width, height);
    }

    /// <summary>The plot of <paramref name="series"/> over the league's rounds (dispose it after rendering).</summary>
    public static Plot Create(LeagueStatus status, IReadOnlyList<RoundSeries> series, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var line = plot.Add.Scatter(series[i].Rounds, series[i].Percent, palette.GetColor(i));
            line.LegendText = series[i].Name;
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        plot.Title(title ?? $"SPC league {status.League}: critic and generator per round");
        plot.XLabel("round");
        plot.YLabel("rate (%)");
        plot.ShowLegend(Alignment.LowerRight);
        var last = series.Count == 0 || series[0].Rounds.Length == 0 ? 1 : series[0].Rounds[^1];
        plot.Axes.SetLimits(0.5, last + 0.5, 0, 105);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        return plot;
    }
}
