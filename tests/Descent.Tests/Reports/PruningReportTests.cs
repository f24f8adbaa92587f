using System.Globalization;
using Descent.Cli.Reports;
using Descent.Reports.Runs;

namespace Descent.Tests.Reports;

/// <summary>
/// A pruned run's report: <c>pruning.json</c> in the run directory becomes the Pruning section (before/after, one table
/// row per step, accuracy against sparsity), checked in the HTML and in headless Chromium.
/// </summary>
public class PruningReportTests
{
    private sealed record Step(int Number, double Sparsity, long Parameters, long Macs, long Bytes, double Accuracy, double Loss, double[] Latency);

    private static List<Step> FakeSteps(int seed)
    {
        var rng = new Random(seed);
        var steps = new List<Step>();
        long parameters = 200_000 + rng.Next(100_000);
        for (int i = 0; i < 4; i++)
        {
            double sparsity = i == 0 ? 0 : Math.Round(0.2 * i + rng.NextDouble() * 0.1, 4);
            long p = (long)(parameters * (1 - sparsity));
            steps.Add(new Step(i, sparsity, p, p - 10 * i, p * 4 + 1234, Math.Round(0.9 - 0.01 * i * rng.NextDouble(), 4), Math.Round(0.3 + 0.05 * i, 4),
                [.. Enumerable.Range(0, 4).Select(_ => Math.Round(0.05 + rng.NextDouble(), 3))]));
        }
        return steps;
    }

    private static string Json(IEnumerable<Step> steps) => "[" + string.Join(",\n", steps.Select(s => string.Create(CultureInfo.InvariantCulture,
        $"{{\"step\": {s.Number}, \"sparsity\": {s.Sparsity}, \"parameters\": {s.Parameters}, \"macs\": {s.Macs}, \"checkpoint_bytes\": {s.Bytes}, \"accuracy\": {s.Accuracy}, \"loss\": {s.Loss}, " +
        $"\"latency\": {{\"batch1_1thread_ms\": {s.Latency[0]}, \"batch1_all_ms\": {s.Latency[1]}, \"batch256_1thread_ms\": {s.Latency[2]}, \"batch256_all_ms\": {s.Latency[3]}}}}}"))) + "]";

    private static DirectoryInfo RunWith(string pruningJson)
    {
        var dir = Directory.CreateTempSubdirectory("descent-pruned-run-");
        File.WriteAllText(Path.Combine(dir.FullName, "config.yaml"), "name: mlp-pruned\nseed: 0\n");
        File.WriteAllText(Path.Combine(dir.FullName, "pruning.json"), pruningJson);
        return dir;
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task ThePruningSectionShowsEveryStepAndChartsAccuracyAgainstSparsity()
    {
        var steps = FakeSteps(12);
        // Written out of order: the report sorts by step.
        var dir = RunWith(Json(steps.AsEnumerable().Reverse()));
        try
        {
            var html = RunReport.Render(RunReportWriter.BuildModel(dir.FullName));
            Assert.Contains("Pruning", ReportFixtures.Headings(html));
            foreach (var s in steps)
            {
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"<tr><td>{s.Number}</td><td>{s.Sparsity:P1}</td><td>{s.Parameters:N0}</td><td>{s.Macs:N0}</td>");
                Assert.Contains(row, html, StringComparison.Ordinal);
                Assert.Contains(string.Create(CultureInfo.InvariantCulture,
                    $"<td>{s.Accuracy:F4}</td>"), html, StringComparison.Ordinal);
                Assert.Contains(string.Create(CultureInfo.InvariantCulture,
                    $"<td>{s.Latency[0]:F3}</td><td>{s.Latency[1]:F3}</td><td>{s.Latency[2]:F3}</td><td>{s.Latency[3]:F3}</td></tr>"), html, StringComparison.Ordinal);
            }
            double speedup = steps[0].Latency[2] / steps[^1].Latency[2];
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"({speedup:F2}× faster)"), html, StringComparison.Ordinal);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"({steps[0].Parameters / (double)steps[^1].Parameters:F2}× smaller)"), html, StringComparison.Ordinal);
            var chart = ReportFixtures.Svgs(html).Single(s => (string?)s.Attribute("aria-label") == "Accuracy against sparsity");
            Assert.Equal(steps.Count, chart.Descendants(ReportFixtures.Svg + "circle").Count());

            var path = Path.Combine(dir.FullName, "report.html");
            await File.WriteAllTextAsync(path, html);
            var check = (await HeadlessBrowser.OpenAllAsync([path]))[0];
            Assert.Empty(check.ConsoleErrors);
            int index = check.ChartLabels.ToList().IndexOf("Accuracy against sparsity");
            Assert.True(index >= 0, "the accuracy chart is not on the page");
            Assert.True(check.ChartMarks[index] > 0, "the accuracy chart drew no visible data");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AMalformedFileNamesTheFileAndTheEntry()
    {
        var dir = RunWith("[{\"step\": 0, \"sparsity\": 0}, {\"step\": 1, \"sparsity\": \"half\"}]");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => RunReportWriter.BuildModel(dir.FullName));
            Assert.Contains("pruning.json: entry 1: 'sparsity' must be a number", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void WithoutPruningJsonThereIsNoPruningSection()
    {
        var html = RunReport.Render(ReportFixtures.Run());
        Assert.DoesNotContain("Pruning", ReportFixtures.Headings(html));
    }
}
