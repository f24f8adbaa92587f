using Descent.Reports.Charts;
using Descent.Reports.Runs;

namespace Descent.Tests.Reports;

public class RunReportTests
{
    private static string PathData(System.Xml.Linq.XElement svg, string name) =>
        (string)svg.Descendants(ReportFixtures.Svg + "path").Single(p => (string?)p.Attribute("data-name") == name).Attribute("d")!;

    [Fact]
    public void HasEverySectionAndChartInOrder()
    {
        var html = RunReport.Render(ReportFixtures.Run());
        Assert.Equal(["Overview", "Test metrics", "Training curves", "Per step", "Confusion matrix", "Model", "Timing", "Configuration"],
            ReportFixtures.Headings(html));
        // lr per epoch is left out: the per-step chart already shows the schedule.
        Assert.Equal(["Loss per epoch", "Accuracy per epoch", "Seconds per epoch", "Loss per step", "Learning rate per step", "Gradient norm per step", "Confusion matrix"],
            ReportFixtures.ChartTitles(html));
        Assert.Contains("<title>Run mlp-demo</title>", html);
    }

    [Fact]
    public void EpochChartsPairTrainWithValidationAndMarkTheBestEpoch()
    {
        var svgs = ReportFixtures.Svgs(RunReport.Render(ReportFixtures.Run()));
        var loss = svgs.Single(s => (string?)s.Attribute("aria-label") == "Loss per epoch");
        var names = loss.Descendants(ReportFixtures.Svg + "path").Select(p => (string?)p.Attribute("data-name")).OfType<string>().ToList();
        Assert.Equal(["train", "validation", "best epoch"], names);
        // The best-epoch marker is a vertical line: one x for both ends.
        var d = PathData(loss, "best epoch");
        var xs = d.Split('M', 'L').Where(s => s.Length > 0).Select(s => s.Split(',')[0]).Distinct().ToList();
        Assert.Single(xs);
    }

    [Fact]
    public void ConfusionMatrixAndModelTable()
    {
        var html = RunReport.Render(ReportFixtures.Run());
        var cm = ReportFixtures.Svgs(html).Single(s => (string?)s.Attribute("aria-label") == "Confusion matrix");
        Assert.Equal(100, cm.Descendants(ReportFixtures.Svg + "g").Single(g => (string?)g.Attribute("class") == "cells").Elements(ReportFixtures.Svg + "rect").Count());
        Assert.Contains("Ankle boot", cm.ToString());
        Assert.Contains("<td>Linear(784, 256)</td><td>[64, 256]</td><td>200,960</td>", html);
        Assert.Contains("<td>total</td><td></td><td>203,530</td>", html);
        // 90+…+99 on the diagonal of 1000 + off-diagonal counts.
        long diag = Enumerable.Range(0, 10).Sum(r => 90 + r);
        Assert.Contains($"{diag} of ", html);
    }

    [Fact]
    public void EscapesUserText()
    {
        var html = RunReport.Render(ReportFixtures.Run(name: "<script>x</script>") with
        {
            Confusion = new ConfusionMatrix(new long[,] { { 1, 0 }, { 0, 1 } }, ["<b>a", "b&c"]),
        });
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>a", html);
        Assert.Contains("<title>Run &lt;script&gt;x&lt;/script&gt;</title>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("b&amp;c", html);
        ReportFixtures.Svgs(html);
    }

    [Fact]
    public void LongStepSeriesAreDownsampledToTheChartWidth()
    {
        var small = RunReport.Render(ReportFixtures.Run(steps: 2_000));
        var large = RunReport.Render(ReportFixtures.Run(steps: 100_000));
        var loss = ReportFixtures.Svgs(large).Single(s => (string?)s.Attribute("aria-label") == "Loss per step");
        int points = PathData(loss, "loss").Count(c => c is 'M' or 'L');
        int bound = 2 * (RunReport.StepChartWidth - 80);
        Assert.InRange(points, bound / 2, bound);
        // 50× the steps, about the same page: the size is set by the pixels, not the run length.
        Assert.True(large.Length < 250_000, $"100k-step report is {large.Length} bytes");
        Assert.True(large.Length < small.Length * 1.5, $"{large.Length} vs {small.Length} bytes");
        Assert.Contains("100000 steps, drawn as the minimum and maximum of each pixel column.", large);
    }

    [Fact]
    public void MissingPartsOmitTheirSections()
    {
        var m = ReportFixtures.Run();
        var html = RunReport.Render(new RunReportModel { Name = "only-epochs", Epochs = m.Epochs });
        Assert.Equal(["Training curves"], ReportFixtures.Headings(html));
        // Without per-step data the learning rate per epoch is shown (log axis).
        Assert.Contains("Learning rate per epoch", ReportFixtures.ChartTitles(html));
        Assert.Equal(["Overview"], ReportFixtures.Headings(RunReport.Render(new RunReportModel { Overview = [("status", "running")] })));
    }
}

public class DownsampleTests
{
    [Fact]
    public void ShortSeriesAreCopiedUnchanged()
    {
        var (x, y) = Downsample.MinMax([1, 2, 3], [5, double.NaN, 7], 10);
        Assert.Equal([1, 2, 3], x);
        Assert.Equal(5, y[0]);
        Assert.True(double.IsNaN(y[1]));
    }

    [Fact]
    public void KeepsEveryBucketsExtremesInOrder()
    {
        const int n = 100_000, buckets = 100;
        var xs = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        // Flat zero with one upward spike and one downward spike, each a single sample.
        var ys = new double[n];
        ys[12_345] = 50;
        ys[77_777] = -20;
        var (x, y) = Downsample.MinMax(xs, ys, buckets);
        Assert.InRange(x.Length, buckets, 2 * buckets);
        Assert.Contains(12_345.0, x);
        Assert.Contains(77_777.0, x);
        Assert.Equal(50, y.Max());
        Assert.Equal(-20, y.Min());
        for (int i = 1; i < x.Length; i++) Assert.True(x[i] > x[i - 1], $"x not increasing at {i}");
    }

    [Fact]
    public void BucketsWithoutFiniteValuesBreakTheLine()
    {
        const int n = 1000;
        var xs = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var ys = xs.Select(v => v >= 500 && v < 600 ? double.NaN : v).ToArray();
        var (_, y) = Downsample.MinMax(xs, ys, 10);
        Assert.Equal(1, y.Count(double.IsNaN));
        Assert.Equal(18, y.Count(double.IsFinite)); // the other 9 buckets keep their min and max
    }

    [Fact]
    public void UnsortedXFallsBackToIndexBuckets()
    {
        var xs = Enumerable.Range(0, 1000).Select(i => (double)((i * 37) % 1000)).ToArray();
        var ys = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        var (x, y) = Downsample.MinMax(xs, ys, 10);
        Assert.Equal(20, x.Length);
        Assert.Equal(0, y[0]);
        Assert.Equal(999, y[^1]);
    }
}
