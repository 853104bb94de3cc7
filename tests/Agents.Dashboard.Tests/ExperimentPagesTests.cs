using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agents.Client.Experiments;
using Microsoft.Playwright;

namespace Agents.Dashboard.Tests;

/// <summary>The experiments page in a real browser against a real host: three strategies started from the page, read back.</summary>
[Collection(DashboardHost.Name)]
public sealed class ExperimentPagesTests(ApiProcess api)
{
    private const int Problems = 12;
    private static readonly string[] Strategies = ["cot", "sc", "magicore"];

    [BrowserFact]
    public async Task StartThreeStrategiesFromPage_TableChartAndSummaryJsonAgree()
    {
        var dataset = Path.Combine(ApiProcess.Artifacts, $"experiment-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(dataset, File.ReadLines(Path.Combine(ApiProcess.RepoRoot, "samples", "synth-200.jsonl")).Take(Problems));
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);

        await page.GotoAsync("experiments");
        await Browser.WaitInteractiveAsync(page);
        await Browser.AssertAccessibleAsync(page, "experiments");
        await Browser.MarkNoReloadAsync(page);
        // The shipped samples are offered next to the upload.
        await Assertions.Expect(page.Locator("#source option[value='synth-200.jsonl']")).ToHaveCountAsync(1);
        await page.Locator("#exp-dataset").SetInputFilesAsync(dataset);
        foreach (var box in await page.Locator("fieldset.strategies input[type=checkbox]").AllAsync())
        {
            var strategy = (await box.GetAttributeAsync("id"))!["strategy-".Length..];
            await box.SetCheckedAsync(Array.IndexOf(Strategies, strategy) >= 0);
        }

        await page.Locator("#exp-k").FillAsync("4");
        await page.Locator("#exp-rounds").FillAsync("2");
        await page.Locator("fluent-button", new() { HasText = "Start experiment" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/experiments/exp-[0-9a-f]+$"));
        await Assertions.Expect(page.GetByTestId("experiment-state")).ToHaveTextAsync("completed", new() { Timeout = 180_000 });
        await Browser.AssertNoReloadAsync(page);

        var comparison = page.GetByRole(AriaRole.Table, new() { Name = "Comparison" }).Locator("tbody tr");
        await Assertions.Expect(comparison).ToHaveCountAsync(Strategies.Length);
        var transitions = page.GetByRole(AriaRole.Table, new() { Name = "Transitions" }).Locator("tbody tr");
        await Assertions.Expect(transitions).ToHaveCountAsync(1);
        await Assertions.Expect(transitions.First).ToHaveAttributeAsync("data-strategy", "magicore");
        await Assertions.Expect(page.Locator("figure.chart svg")).ToHaveCountAsync(1);

        // summary.json, downloaded with the browser's own session, agrees with the table cell for cell.
        var href = await page.GetByRole(AriaRole.Link, new() { Name = "Download summary.json" }).GetAttributeAsync("href");
        var download = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        using var summary = JsonDocument.Parse(await download.TextAsync());
        Assert.Equal(Problems, summary.RootElement.GetProperty("problems").GetInt32());
        var results = summary.RootElement.GetProperty("results").EnumerateArray().ToList();
        // The page runs the strategies in the catalog's order, as `agents experiment --strategies cot,sc,magicore` would.
        Assert.Equal(Strategies, results.Select(r => r.GetProperty("strategy").GetString()));
        foreach (var result in results)
        {
            var strategy = result.GetProperty("strategy").GetString()!;
            var row = page.Locator($"table[aria-label=Comparison] tbody tr[data-strategy='{strategy}']");
            var accuracy = string.Create(CultureInfo.InvariantCulture,
                $"{ExperimentReport.Percent(result.GetProperty("accuracy").GetDouble())} ({result.GetProperty("correct").GetInt32()}/{Problems})");
            await Assertions.Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(accuracy);
            await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(result.GetProperty("samples_per_problem").GetDouble().ToString("F2", CultureInfo.InvariantCulture));
        }

        // k = 4 fixes SC's cost exactly: four samples per problem.
        Assert.Equal(4.0, results.Single(r => r.GetProperty("strategy").GetString() == "sc").GetProperty("samples_per_problem").GetDouble());
        await Browser.AssertAccessibleAsync(page, "experiment");
        await Browser.ScreenshotAsync(page, "experiment");
    }
}
