using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Agents.Dashboard.Tests;

/// <summary>
/// The jobs pages in a real browser against a real host: submit a MAgICoRe job by uploading a dataset with good and bad
/// rows, watch it finish without a reload, read the rejected rows, then open a refined problem's conversation.
/// </summary>
[Collection(DashboardHost.Name)]
public sealed class JobPagesTests(ApiProcess api)
{
    private const int Good = 20;

    [BrowserFact]
    public async Task UploadFromJobsPage_JobCompletesLiveAndRefinedRunShowsConversation()
    {
        var dataset = WriteDataset(out var badLines);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);

        await page.GotoAsync("jobs");
        await Browser.WaitInteractiveAsync(page);
        await Browser.AssertAccessibleAsync(page, "jobs");
        // A marker on the window and a recorder of every progress text the page shows: both survive only if the page never reloads.
        await page.EvaluateAsync("""
            () => {
              window.__noReload = true;
              window.__progress = [];
              new MutationObserver(() => {
                for (const e of document.querySelectorAll('[data-testid=progress-text]')) {
                  if (window.__progress.at(-1) !== e.textContent) window.__progress.push(e.textContent);
                }
              }).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);
        await page.Locator("#dataset").SetInputFilesAsync(dataset);
        await page.Locator("#strategy").SelectOptionAsync("magicore");
        await page.Locator("#k").FillAsync("4");
        await page.Locator("fluent-button", new() { HasText = "Start job" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/jobs/job-[0-9a-f]+$"));
        await Assertions.Expect(page.GetByTestId("job-state")).ToHaveTextAsync("completed", new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"{Good} / {Good} (100%)");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page reloaded");
        var seen = await page.EvaluateAsync<string[]>("() => window.__progress");
        Assert.True(seen.Length >= 2 && seen[^1] == $"{Good} / {Good} (100%)", "progress did not move live: " + string.Join(" | ", seen));

        var rejected = page.GetByTestId("rejected").Locator("li");
        await Assertions.Expect(rejected).ToHaveCountAsync(badLines.Count);
        for (var i = 0; i < badLines.Count; i++)
        {
            await Assertions.Expect(rejected.Nth(i)).ToContainTextAsync($"{Path.GetFileName(dataset)}:{badLines[i]}: ");
        }

        await Browser.AssertAccessibleAsync(page, "job");
        await Browser.ScreenshotAsync(page, "job");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^refined") }).ClickAsync();
        var refined = page.GetByRole(AriaRole.Table, new() { Name = "Results" }).Locator("tbody tr a");
        Assert.True(await refined.CountAsync() > 0, "no refined problem among the MAgICoRe results");
        await refined.First.ClickAsync();

        await page.WaitForURLAsync(new Regex("/runs/"));
        var round1 = page.Locator("section.round", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Round 1", Exact = true }) });
        await Assertions.Expect(round1.Locator("details[data-kind=feedback]").First).ToContainTextAsync("reviewer → refiner");
        await Assertions.Expect(round1.Locator("details[data-kind=refinement]").First).ToContainTextAsync("refiner → run");
        var facts = round1.Locator("dl.facts");
        await Assertions.Expect(facts).ToContainTextAsync("hard");
        await Assertions.Expect(facts).ToContainTextAsync("cond1");
        await Assertions.Expect(facts).ToContainTextAsync("confidence (PRM)");
        await Assertions.Expect(round1.Locator("figure.chart").First).ToBeVisibleAsync();
        var feedback = round1.Locator("details[data-kind=feedback]").First;
        await feedback.Locator("summary").ClickAsync();
        await Assertions.Expect(feedback.Locator("pre.full")).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(page, "run");
        await Browser.ScreenshotAsync(page, "run");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page reloaded");
    }

    [BrowserFact]
    public async Task OverviewAndClusterPages_ShowTheEmbeddedSilo()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);
        foreach (var (path, name) in new[] { ("", "overview"), ("cluster", "cluster") })
        {
            await page.GotoAsync(path);
            await Browser.WaitInteractiveAsync(page);
            var silos = page.GetByRole(AriaRole.Table, new() { Name = "Silos" }).Locator("tbody tr");
            await Assertions.Expect(silos).ToHaveCountAsync(1);
            await Assertions.Expect(silos.First).ToContainTextAsync("Active");
            await Browser.AssertAccessibleAsync(page, name);
            await Browser.ScreenshotAsync(page, name);
        }
    }


    // The 20 hardest rows of the synthetic sample (8 steps: some MAgICoRe classifies hard and refines) and three bad rows
    // after them; returns the bad rows' line numbers.
    private static string WriteDataset(out List<int> badLines)
    {
        var good = File.ReadLines(Path.Combine(ApiProcess.RepoRoot, "samples", "synth-200.jsonl"))
            .Where(l => l.Contains("\"difficulty\":8", StringComparison.Ordinal)).Take(Good).ToList();
        string[] bad =
        [
            """{"id": "broken", "question": "What is 2 + 2?", "answer": "4" """,
            """["not", "an", "object"]""",
            """{"id": "no-question", "answer": "7"}""",
        ];
        badLines = [.. Enumerable.Range(Good + 1, bad.Length)];
        var path = Path.Combine(ApiProcess.Artifacts, $"upload-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, [.. good, .. bad]);
        return path;
    }
}
