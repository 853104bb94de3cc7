using ScottPlot;

namespace Agents.Client.Experiments;

/// <summary>
/// The accuracy-vs-samples chart: accuracy against mean samples per problem, one labelled point per strategy. The CLI saves
/// it as <c>accuracy-vs-samples.png</c>; the dashboard draws the same chart as SVG.
/// </summary>
public static class AccuracyPlot
{
    /// <summary>Renders the chart to a PNG file.</summary>
    public static void Save(IReadOnlyList<StrategyResult> results, string path, int width = 800, int height = 500)
    {
        using var plot = Create(results);
        plot.SavePng(path, width, height);
    }

    /// <summary>The chart as SVG markup.</summary>
    public static string Svg(IReadOnlyList<StrategyResult> results, int width = 640, int height = 400)
    {
        using var plot = Create(results);
        return plot.GetSvgHtml(width, height);
    }

    /// <summary>The chart (dispose it after rendering).</summary>
    public static Plot Create(IReadOnlyList<StrategyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var color = palette.GetColor(i);
            var marker = plot.Add.Marker(r.SamplesPerProblem, r.Accuracy * 100, MarkerShape.FilledCircle, 10, color);
            marker.LegendText = r.Strategy;
            var label = plot.Add.Text(r.Strategy, r.SamplesPerProblem, r.Accuracy * 100);
            label.LabelFontColor = color;
            label.LabelFontSize = 14;
            label.LabelOffsetX = 8;
            label.LabelOffsetY = -8;
        }

        plot.Title("Accuracy against samples per problem");
        plot.XLabel("mean samples (generations) per problem");
        plot.YLabel("accuracy (%)");
        // Room on the right for the labels and around the points; x from 0 so cost reads as a ratio.
        if (results.Count > 0)
        {
            var maxX = results.Max(r => r.SamplesPerProblem);
            var minY = results.Min(r => r.Accuracy * 100);
            var maxY = results.Max(r => r.Accuracy * 100);
            plot.Axes.SetLimits(0, (maxX * 1.3) + 1, Math.Max(0, minY - 5), Math.Min(100, maxY) + 3);
        }

        return plot;
    }
}
