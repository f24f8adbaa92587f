using Descent.Reports.Runs;
using Descent.Reports.Studies;

namespace Descent.Tests.Reports;

/// <summary>Opens the run and study reports in headless Chromium: every chart draws data, no console or page errors.</summary>
public class ReportBrowserTests
{
    [Fact]
    [Trait("Category", "Browser")]
    public async Task RunAndStudyReportsRenderEveryChartWithoutErrors()
    {
        var pages = new (string Html, string Title)[]
        {
            (RunReport.Render(ReportFixtures.Run(steps: 100_000)), "Run mlp-demo"),
            (StudyReport.Render(ReportFixtures.Study("<script>alert(1)</script>")), "Study <script>alert(1)</script>"),
            (StudyReport.Render(ReportFixtures.TwoObjectiveStudy()), "Study pareto"),
        };
        var dir = Directory.CreateTempSubdirectory("descent-report-");
        try
        {
            var paths = new List<string>();
            for (int i = 0; i < pages.Length; i++)
            {
                paths.Add(Path.Combine(dir.FullName, $"report{i}.html"));
                await File.WriteAllTextAsync(paths[i], pages[i].Html);
            }
            var checks = await HeadlessBrowser.OpenAllAsync(paths);
            for (int p = 0; p < pages.Length; p++)
            {
                var check = checks[p];
                Assert.Equal(pages[p].Title, check.Title);
                Assert.Empty(check.ConsoleErrors);
                var expected = ReportFixtures.ChartTitles(pages[p].Html);
                Assert.True(expected.Count >= 4, $"{pages[p].Title}: only {expected.Count} charts");
                Assert.Equal(expected, check.ChartLabels);
                for (int i = 0; i < check.ChartMarks.Count; i++)
                    Assert.True(check.ChartMarks[i] > 0, $"{pages[p].Title}: chart \"{check.ChartLabels[i]}\" drew no visible data");
                Assert.Equal(0, check.EmptyPaths);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
