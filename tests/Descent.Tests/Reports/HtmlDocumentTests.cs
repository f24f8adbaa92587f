using Descent.Reports.Charts;
using Descent.Reports.Html;

namespace Descent.Tests.Reports;

public class HtmlDocumentTests
{
    private static string SamplePage()
    {
        var doc = new HtmlDocument("Run <demo>");
        doc.Heading("Loss")
           .Figure(XYChart.Render([new Series("train", [1, 2, 3], [1, 0.5, 0.25]), new Series("val", [1, 2, 3], [1.1, 0.7, 0.5])],
               new ChartOptions { Title = "loss", XLabel = "epoch" }), "per epoch")
           .KeyValues([("optimizer", "adam"), ("lr", "0.001")])
           .Table(["epoch", "loss"], [["1", "1.0"], ["2", "0.5"]])
           .Figure(Heatmap.Render(new long[,] { { 3, 1 }, { 0, 4 } }, ["a", "b"], ["a", "b"], "confusion"));
        return doc.ToString();
    }

    [Fact]
    public void PageIsSelfContainedAndEscaped()
    {
        var html = SamplePage();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Run &lt;demo&gt;</title>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task ChartsRenderInHeadlessChromiumWithoutConsoleErrors()
    {
        var dir = Directory.CreateTempSubdirectory("descent-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "report.html");
            await File.WriteAllTextAsync(path, SamplePage());
            var check = await HeadlessBrowser.OpenAsync(path);
            Assert.Empty(check.ConsoleErrors);
            Assert.Equal(2, check.SvgCount);
            Assert.True(check.VisiblePaths >= 3, $"expected the two series and the axes to render, got {check.VisiblePaths} visible paths");
            Assert.Equal(0, check.EmptyPaths);
            Assert.Equal("Run <demo>", check.Title);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
