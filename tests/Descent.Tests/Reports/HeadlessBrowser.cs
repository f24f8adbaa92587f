using Microsoft.Playwright;

namespace Descent.Tests.Reports;

/// <summary>
/// Opens a report in Debian's Chromium through Playwright (no browser download: executablePath) and reports
/// console errors and the on-screen size of every chart element. CI installs chromium via .ci/setup.
/// </summary>
public static class HeadlessBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <param name="ChartLabels">Each SVG's aria-label (its chart title), in page order.</param>
    /// <param name="ChartMarks">For each SVG, how many data marks (series paths, bars, parallel-coordinate rows, heatmap cells,
    /// markers, polylines) have a non-empty on-screen box: 0 means the chart drew axes but no data.</param>
    public sealed record PageCheck(IReadOnlyList<string> ConsoleErrors, int SvgCount, int VisiblePaths, int EmptyPaths, string Title,
        IReadOnlyList<string> ChartLabels, IReadOnlyList<int> ChartMarks);

    private const string DataMarks = "path.series, path.bar, path.row, g.cells rect, g.markers circle, polyline";

    public static async Task<PageCheck> OpenAsync(string htmlPath, string? screenshotPath = null) =>
        (await OpenAllAsync([htmlPath], screenshotPath))[0];

    /// <summary>Checks several pages with one browser launch (starting Chromium costs seconds on a loaded machine).</summary>
    public static async Task<IReadOnlyList<PageCheck>> OpenAllAsync(IReadOnlyList<string> htmlPaths, string? screenshotPath = null)
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
        var checks = new List<PageCheck>();
        foreach (var htmlPath in htmlPaths)
        {
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, msg) => { if (msg.Type == "error") errors.Add(msg.Text); };
            page.PageError += (_, err) => errors.Add(err);
            await page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
            int svgs = await page.Locator("svg").CountAsync();
            // A path "renders" when the browser gives it a non-empty bounding box.
            var sizes = await page.EvaluateAsync<double[]>(
                "() => Array.from(document.querySelectorAll('svg path')).map(p => { const b = p.getBBox(); return b.width + b.height; })");
            var labels = await page.EvaluateAsync<string[]>(
                "() => Array.from(document.querySelectorAll('svg')).map(s => s.getAttribute('aria-label') || '')");
            var marks = await page.EvaluateAsync<int[]>(
                "sel => Array.from(document.querySelectorAll('svg')).map(s => Array.from(s.querySelectorAll(sel))" +
                ".filter(e => { const b = e.getBBox(); return b.width + b.height > 0; }).length)", DataMarks);
            if (screenshotPath is not null && checks.Count == 0)
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshotPath, FullPage = true });
            checks.Add(new PageCheck(errors, svgs, sizes.Count(s => s > 0), sizes.Count(s => s <= 0), await page.TitleAsync(), labels, marks));
            await page.CloseAsync();
        }
        return checks;
    }
}
