using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Agents.Dashboard.Tests;

/// <summary>
/// The dashboard of a host with API keys: a browser signs in once with a key and gets a cookie that opens the dashboard
/// (pages and live circuit) but not the REST API, which keeps needing the bearer key.
/// </summary>
public sealed class LoginTests(KeyedApiProcess api) : IClassFixture<KeyedApiProcess>
{
    [BrowserFact]
    public async Task KeyedHost_SignInWithKey_OpensDashboardButNotTheRestApi()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await Browser.PageAsync(browser, api.Address);

        await page.GotoAsync("cluster");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2Fcluster$"));
        await Browser.AssertAccessibleAsync(page, "login");
        await Browser.ScreenshotAsync(page, "login");

        await page.GetByLabel("API key").FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key matches none of the host's API keys.");
        Assert.DoesNotContain("not-the-key", await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByLabel("API key").FillAsync(api.ApiKey!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Waits on the page's own state (the circuit rendered), then on the address it landed at.
        await Browser.WaitInteractiveAsync(page);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/cluster$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Silos" }).Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("form.signout")).ToContainTextAsync("key-1");

        // The cookie names the key, holds it nowhere in clear, and is closed to scripts and other sites.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "agents-dashboard");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(api.ApiKey!, cookie.Value, StringComparison.Ordinal);

        // The cookie opens the dashboard's downloads but not the REST API: that still needs the bearer key.
        Assert.Equal(401, (await page.APIRequest.GetAsync("api/jobs")).Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync("dashboard/experiments/exp-none/summary.json")).Status);
        using var http = api.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/jobs")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"));
        await page.GotoAsync("jobs");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2Fjobs$"));
    }

    [Fact]
    public async Task KeyedHost_WithoutCookieOrKey_DashboardRedirectsAndApiRefuses()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.Address };

        using var dashboard = await http.GetAsync("jobs");
        using var rest = await http.GetAsync("api/jobs");
        using var download = await http.GetAsync("dashboard/jobs/job-x/results.jsonl");

        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/login", dashboard.Headers.Location?.AbsolutePath ?? dashboard.Headers.Location?.OriginalString.Split('?')[0]);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
    }
}
