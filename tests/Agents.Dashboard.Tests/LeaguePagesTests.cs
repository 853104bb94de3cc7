using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Agents.Dashboard.Tests;

/// <summary>The league pages in a real browser against a real host, over leagues started through the REST API.</summary>
[Collection(DashboardHost.Name)]
public sealed class LeaguePagesTests(ApiProcess api)
{
    [BrowserFact]
    public async Task LeagueStartedThroughApi_RoundOneRowAppearsLiveWithChartsAndExport()
    {
        var name = $"ui-{Guid.NewGuid():N}"[..11];
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);

        // The page is open before the league exists, so round 1 can only arrive over the live channel.
        await page.GotoAsync($"leagues/{name}");
        await Browser.WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("league-state")).ToContainTextAsync("has started yet");
        await Browser.MarkNoReloadAsync(page);
        using var http = api.Http();
        using (var started = await http.PostAsJsonAsync($"api/leagues/{name}", new { gamesPerRound = 4, rounds = 2, concurrency = 2, seed = 5 }))
        {
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        }

        var round1 = page.Locator("table[aria-label=Rounds] tbody tr[data-round='1']");
        await Assertions.Expect(round1).ToContainTextAsync("closed", new() { Timeout = 120_000 });
        await Assertions.Expect(round1.Locator("td").Nth(4)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d%$"));
        await Browser.AssertNoReloadAsync(page);
        var charts = page.Locator("figure.chart");
        await Assertions.Expect(charts).ToHaveCountAsync(2);
        await Assertions.Expect(charts.First).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("critic accuracy, attacked steps round 1 "));

        // A closed round exports as every game record (raw), through the browser's own session.
        await page.Locator("#export-format").SelectOptionAsync("raw");
        var rows = round1.GetByRole(AriaRole.Link, new() { Name = "rows" });
        await Assertions.Expect(rows).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("format=raw"));
        var href = await rows.GetAttributeAsync("href");
        var export = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, export.Status);
        var records = (await export.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(records.Length >= 4, $"{records.Length} records in round 1");
        Assert.All(records, r => System.Text.Json.JsonDocument.Parse(r).Dispose());
        await Browser.AssertAccessibleAsync(page, "league");
        await Browser.ScreenshotAsync(page, "league");

        await page.GotoAsync("leagues");
        await Browser.WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Leagues" }).GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(page, "leagues");
        await Browser.ScreenshotAsync(page, "leagues");
    }

    [BrowserFact]
    public async Task LeaguePage_PauseResumeAndSetModels_ReachTheLeague()
    {
        var name = $"ctl-{Guid.NewGuid():N}"[..12];
        using var http = api.Http();
        // Many rounds of one game at a time: it is still running whatever the page does first.
        using (var started = await http.PostAsJsonAsync($"api/leagues/{name}", new { gamesPerRound = 2, rounds = 500, concurrency = 1, seed = 7 }))
        {
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        }

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);
        await page.GotoAsync($"leagues/{name}");
        await Browser.WaitInteractiveAsync(page);
        var state = page.GetByTestId("league-state");
        await Assertions.Expect(state).ToHaveTextAsync("running");

        await page.Locator("fluent-button", new() { HasText = "Pause" }).ClickAsync();
        await Assertions.Expect(state).ToHaveTextAsync("paused");
        Assert.Equal("paused", (await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"api/leagues/{name}")).GetProperty("state").GetString());
        await page.Locator("fluent-button", new() { HasText = "Resume" }).ClickAsync();
        await Assertions.Expect(state).ToHaveTextAsync("running");

        await page.Locator("#generator-model").FillAsync("sim");
        await page.Locator("fluent-button", new() { HasText = "Set models" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("From the next round: generator sim");

        // Leave the shared host quiet for the other tests.
        await page.Locator("fluent-button", new() { HasText = "Pause" }).ClickAsync();
        await Assertions.Expect(state).ToHaveTextAsync("paused");
    }
}
