using System.Xml.Linq;
using Descent.Reports.Charts;

namespace Descent.Tests.Reports;

public class ChartTests
{
    private static XDocument Parse(string svg) => XDocument.Parse(svg);
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void LineChartDrawsOnePathPerSeriesAndALegend()
    {
        var svg = XYChart.Render(
        [
            new Series("train", [1, 2, 3], [0.9, 0.5, 0.3]),
            new Series("val", [1, 2, 3], [1.0, 0.7, 0.6]),
        ], new ChartOptions { Title = "loss <per> epoch", XLabel = "epoch", YLabel = "loss" });
        var doc = Parse(svg);
        var paths = doc.Descendants(Ns + "path").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(2, paths.Count);
        Assert.All(paths, p => Assert.StartsWith("M", (string)p.Attribute("d")!));
        Assert.Equal(["train", "val"], paths.Select(p => (string)p.Attribute("data-name")!));
        Assert.Contains(doc.Descendants(Ns + "text"), t => t.Value == "loss <per> epoch");
        Assert.Equal(2, doc.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Ns + "rect").Count());
    }

    [Fact]
    public void NonFiniteValuesBreakTheLine()
    {
        var svg = XYChart.Render([new Series("s", [1, 2, 3, 4], [1, double.NaN, 3, 4])], new ChartOptions());
        var d = (string)Parse(svg).Descendants(Ns + "path").Single(p => (string?)p.Attribute("class") == "series").Attribute("d")!;
        Assert.Equal(2, d.Count(c => c == 'M'));
        Assert.DoesNotContain("NaN", svg);
    }

    [Fact]
    public void IntegerXLabelsOnlyWholeNumbers()
    {
        XElement Axes(bool integer) => Parse(XYChart.Render([new Series("s", [1, 2], [0.5, 0.25])], new ChartOptions { IntegerX = integer }))
            .Root!.Elements(Ns + "g").Single(g => (string?)g.Attribute("class") == "axes");
        // Nice ticks over [1, 2] step by 0.2; epochs only get 1 and 2.
        static List<string> XLabels(XElement axes) => axes.Elements(Ns + "text").Where(t => (string?)t.Attribute("text-anchor") == "middle").Select(t => t.Value).ToList();
        Assert.Contains("1.4", XLabels(Axes(false)));
        Assert.Equal(["1", "2"], XLabels(Axes(true)));
    }

    [Fact]
    public void EmptyChartSaysNoData()
    {
        var svg = XYChart.Render([], new ChartOptions { Title = "nothing" });
        Assert.Contains("no data", svg);
        Parse(svg);
    }

    [Fact]
    public void LogAxisFallsBackWhenValuesAreNotPositive()
    {
        var svg = XYChart.Render([new Series("s", [1, 2], [-1, 5])], new ChartOptions { LogY = true });
        Assert.Contains("class=\"series\"", svg);
    }

    [Theory]
    [InlineData(0, 1, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 })]
    [InlineData(3, 97, new[] { 0.0, 20, 40, 60, 80, 100 })]
    public void NiceTicks(double min, double max, double[] expected)
    {
        var ticks = Axis.NiceTicks(min, max, 5);
        Assert.Equal(expected.Length, ticks.Count);
        for (int i = 0; i < ticks.Count; i++) Assert.Equal(expected[i], ticks[i], 9);
    }

    [Fact]
    public void HeatmapHasOneCellPerEntryAndValidatesLabels()
    {
        var counts = new long[,] { { 5, 1 }, { 0, 7 } };
        var svg = Heatmap.Render(counts, ["a", "b"], ["a", "b"], "confusion");
        Assert.Equal(4, Parse(svg).Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "cells").Elements(Ns + "rect").Count());
        Assert.Throws<ArgumentException>(() => Heatmap.Render(counts, ["a"], ["a", "b"]));
    }

    [Fact]
    public void BarChartAndParallelCoordinatesAreWellFormed()
    {
        var bars = BarChart.Render([("lr", 0.7), ("width", 0.2), ("dropout", 0.1)], "importance");
        Assert.Equal(3, Parse(bars).Descendants(Ns + "path").Count(p => (string?)p.Attribute("class") == "bar"));
        var pc = ParallelCoordinates.Render(["lr", "width", "loss"], [[0.1, 64, 0.5], [0.01, double.NaN, 0.3]], "trials");
        Assert.Equal(2, Parse(pc).Descendants(Ns + "path").Count(p => (string?)p.Attribute("class") == "row"));
    }
}
