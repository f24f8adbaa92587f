namespace Descent.Tests.Reports;

/// <summary>Checks that one SVG chart draws in headless Chromium: no console errors, its paths on screen, a real screenshot.</summary>
internal static class StandaloneSvg
{
    public static async Task AssertDrawsAsync(string svg, int minVisiblePaths)
    {
        var dir = Directory.CreateTempSubdirectory("descent-svg-");
        try
        {
            var html = Path.Combine(dir.FullName, "chart.html");
            var png = Path.Combine(dir.FullName, "chart.png");
            await File.WriteAllTextAsync(html, $"<!doctype html><html><head><title>chart</title></head><body>{svg}</body></html>");
            var check = await HeadlessBrowser.OpenAsync(html, png);
            Assert.Empty(check.ConsoleErrors);
            Assert.Equal(1, check.SvgCount);
            Assert.True(check.VisiblePaths >= minVisiblePaths, $"{check.VisiblePaths} visible paths");
            Assert.True(new FileInfo(png).Length > 10_000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
