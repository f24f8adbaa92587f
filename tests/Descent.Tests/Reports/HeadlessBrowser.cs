using Microsoft.Playwright;

namespace Descent.Tests.Reports;

/// <summary>
/// Opens a report in Debian's Chromium through Playwright (no browser download: executablePath) and reports
/// console errors and the on-screen size of every chart element. CI installs chromium via .ci/setup.
/// </summary>
public static class HeadlessBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public sealed record PageCheck(IReadOnlyList<string> ConsoleErrors, int SvgCount, int VisiblePaths, int EmptyPaths, string Title);

    public static async Task<PageCheck> OpenAsync(string htmlPath, string? screenshotPath = null)
    {
        Assert.True(File.Exists(ChromiumPath),
            $"{ChromiumPath} is missing: browser tests need Debian's chromium (installed by .ci/setup: apt-get install chromium).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, msg) => { if (msg.Type == "error") errors.Add(msg.Text); };
        page.PageError += (_, err) => errors.Add(err);
        await page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
        int svgs = await page.Locator("svg").CountAsync();
        // A path "renders" when the browser gives it a non-empty bounding box.
        var sizes = await page.EvaluateAsync<double[]>(
            "() => Array.from(document.querySelectorAll('svg path')).map(p => { const b = p.getBBox(); return b.width + b.height; })");
        if (screenshotPath is not null)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshotPath, FullPage = true });
        return new PageCheck(errors, svgs, sizes.Count(s => s > 0), sizes.Count(s => s <= 0), await page.TitleAsync());
    }
}
