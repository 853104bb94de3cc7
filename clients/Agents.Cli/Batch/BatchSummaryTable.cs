using Spectre.Console;

namespace Agents.Cli.Batch;

/// <summary>The batch summary as the CLI prints it.</summary>
internal static class BatchSummaryTable
{
    /// <summary>Renders the summary table.</summary>
    public static Table ToTable(this BatchSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(summary.Strategy)}[/] on {summary.Problems} problems");
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("value").RightAligned());
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("accuracy", $"{summary.Accuracy:P1} ({summary.Correct}/{summary.Graded})");
        Row("failed", summary.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("rejected input rows", summary.RejectedRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("new runs / resumed rows", $"{summary.NewRuns} / {summary.ResumedRows}");
        Row("samples per problem", $"{summary.SamplesPerProblem:F2}");
        Row("calls per problem", $"{summary.CallsPerProblem:F2}");
        Row("prompt tokens per problem", $"{summary.PromptTokensPerProblem:F1}");
        Row("completion tokens per problem", $"{summary.CompletionTokensPerProblem:F1}");
        Row("retries", summary.TotalRetries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("wall time", $"{summary.WallSeconds:F1} s");
        Row("model / mode", $"{summary.Model} / {summary.Mode}");
        Row("switches", string.Join(", ", summary.Switches.Select(kv => $"{kv.Key}={kv.Value}")));
        return table;
    }
}
