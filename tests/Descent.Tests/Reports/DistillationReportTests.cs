using Descent.Reports.Runs;

namespace Descent.Tests.Reports;

/// <summary>A distillation run's report section: the comparison table (student, scratch, teacher) and the agreement chart.</summary>
public class DistillationReportTests
{
    private static RunReportModel Model(params AgreementSeries[] agreement) => ReportFixtures.Run() with
    {
        Distillation = new DistillationComparison("Hinton loss with T = 4, α = 0.1.",
        [
            new ComparedModelRow("student", "this run", 101_770, 0.512, [("loss", 0.41), ("accuracy", 0.8612)]),
            new ComparedModelRow("scratch", "scratch", 101_770, 0.498, [("loss", 0.44), ("accuracy", 0.8507)]),
            new ComparedModelRow("teacher", "/runs/cnn", 421_642, 3.25, [("loss", 0.27), ("accuracy", 0.9213)]),
        ], agreement),
    };

    [Fact]
    public void TheComparisonComesAfterTheTestMetricsWithOneRowPerModel()
    {
        var html = RunReport.Render(Model(new AgreementSeries("distilled student", [1, 2, 3], [0.90, 0.94, 0.95]),
            new AgreementSeries("scratch student", [1, 2, 3], [0.88, 0.89, 0.90])));
        var headings = ReportFixtures.Headings(html);
        Assert.Equal(headings.IndexOf("Test metrics") + 1, headings.IndexOf("Distillation"));
        Assert.Contains("<th>test accuracy</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>teacher</td><td>/runs/cnn</td><td>0.27</td><td>0.9213</td><td>421,642</td><td>3.250</td>", html, StringComparison.Ordinal);
        var chart = ReportFixtures.Svgs(html).Single(s => (string?)s.Attribute("aria-label") == "Agreement with the teacher per epoch");
        var names = chart.Descendants(ReportFixtures.Svg + "path").Select(p => (string?)p.Attribute("data-name")).OfType<string>().ToList();
        Assert.Equal(["distilled student", "scratch student"], names);
    }

    [Fact]
    public void WithoutAgreementValuesTheChartIsLeftOut()
    {
        var html = RunReport.Render(Model(new AgreementSeries("distilled student", [1, 2], [double.NaN, double.NaN])));
        Assert.Contains("Distillation", ReportFixtures.Headings(html));
        Assert.DoesNotContain(ReportFixtures.ChartTitles(html), t => t.StartsWith("Agreement", StringComparison.Ordinal));
    }
}
