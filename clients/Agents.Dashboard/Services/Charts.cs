using ScottPlot;

namespace Agents.Dashboard.Services;

/// <summary>Charts drawn on the server as SVG (ScottPlot), so the page needs no chart script.</summary>
public static class Charts
{
    /// <summary>A chain's scores as bars: its ORM score, then each PRM step score, on a 0..1 axis.</summary>
    public static string ChainBars(ChainScores chain, int width = 260, int height = 140)
    {
        ArgumentNullException.ThrowIfNull(chain);
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar> { new() { Position = 0, Value = Clamp(chain.Orm), FillColor = palette.GetColor(1) } };
        bars.AddRange(chain.Prm.Select((p, i) => new Bar { Position = i + 1, Value = Clamp(p), FillColor = palette.GetColor(0) }));
        plot.Add.Bars(bars);
        Tick[] ticks = [new(0, "ORM"), .. chain.Prm.Select((_, i) => new Tick(i + 1, $"s{i + 1}"))];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.SetLimits(-0.6, chain.Prm.Count + 0.6, 0, 1.05);
        plot.Title($"chain {chain.Chain}", size: 12);
        return plot.GetSvgHtml(width, height);
    }

    private static double Clamp(double v) => double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
}
