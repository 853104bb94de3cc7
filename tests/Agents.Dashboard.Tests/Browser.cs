using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Agents.Dashboard.Tests;

/// <summary>A fact that needs Debian's chromium; skipped with the reason when it is not installed.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Where the tests expect the browser (Playwright's own download is not reachable here).</summary>
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium))
        {
            Skip = $"{Chromium} is not installed (apt-get install -y chromium); the browser tests need it";
        }
    }
}

/// <summary>Headless chromium through Playwright, plus the checks every page gets (accessibility, screenshot).</summary>
public static class Browser
{
    private static readonly string[] Args =
        ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>Launches chromium; dispose the returned Playwright after the browser.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            Args = Args,
        });
        return (playwright, browser);
    }

    /// <summary>A page at 1280×800 whose base URL is the host's.</summary>
    public static async Task<IPage> PageAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Runs axe on the page and fails on serious or critical violations, naming each rule and element.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    /// <summary>Saves a full-page screenshot under TestResults/dashboard.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ApiProcess.Artifacts, name + ".png"), FullPage = true });

    /// <summary>Waits until the layout renders over the Blazor circuit (prerendered HTML is not interactive yet).</summary>
    public static Task WaitInteractiveAsync(IPage page) => page.Locator("main[data-interactive=true]").WaitForAsync();

    /// <summary>
    /// Sets a marker on the window: it survives only if the page never reloads (live updates come over the circuit).
    /// </summary>
    public static Task MarkNoReloadAsync(IPage page) => page.EvaluateAsync("() => { window.__noReload = true; }");

    /// <summary>Fails when the page reloaded since <see cref="MarkNoReloadAsync"/>.</summary>
    public static async Task AssertNoReloadAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page reloaded");
}
