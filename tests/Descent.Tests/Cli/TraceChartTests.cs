using System.Xml.Linq;
using Descent.Cli.Trace;
using Descent.Reports.Charts;
using Descent.Search.Trace;
using Descent.Tests.Reports;
using Descent.Tuning;

namespace Descent.Tests.Cli;

/// <summary>Traces drawn through <see cref="ContourChart"/>: contours and trajectories in 2-D, the curve in 1-D, and a real render in headless Chromium.</summary>
public class TraceChartTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private static string RosenbrockSvg(out List<TraceResult> traces)
    {
        var fn = BenchmarkSurfaces.Find("Rosenbrock")!;
        traces = new[] { "gd", "momentum-ema", "adam" }.Select(m => OptimizerTrace.Run(m, fn, fn.Start, new TraceSettings { Lr = 1e-3, Steps = 200 })).ToList();
        return TraceChart.Svg(traces, new PlotRange(fn.X.Low, fn.X.High, fn.Y.Low, fn.Y.High), [.. fn.Minima]);
    }

    [Fact]
    public void SvgHasContoursTrajectoriesAndALegend()
    {
        var svg = XDocument.Parse(RosenbrockSvg(out var traces));
        Assert.Equal(Ns + "svg", svg.Root!.Name);
        var contours = svg.Descendants(Ns + "path").Where(p => (string?)p.Attribute("class") == "contour").ToList();
        Assert.True(contours.Count >= 8, $"only {contours.Count} contour levels");
        Assert.All(contours, c => Assert.StartsWith("M", (string)c.Attribute("d")!));
        var groups = svg.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == "trajectory").ToList();
        Assert.Equal(traces.Select(t => t.Method), groups.Select(g => (string)g.Attribute("data-name")!));
        Assert.All(groups, g => Assert.Equal(201, ((string)g.Element(Ns + "polyline")!.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        var legend = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["gd", "momentum-ema", "adam"], legend.Elements(Ns + "text").Select(t => t.Value));
        Assert.Single(svg.Descendants(Ns + "path"), p => (string?)p.Attribute("class") == "marker");
        Assert.Contains("f(x, y) = (1 - x)^2 + 100*(y - x^2)^2", svg.Descendants(Ns + "text").First().Value);
    }

    [Fact]
    public void OneVariableSvgDrawsTheCurve()
    {
        var f = Expression.Parse("x^4 - 3*x^2 + x");
        var t = OptimizerTrace.Run("adam", f, [2.0], new TraceSettings { Lr = 0.05, Steps = 30 });
        var svg = XDocument.Parse(TraceChart.Svg([t]));
        Assert.Single(svg.Descendants(Ns + "path"), p => (string?)p.Attribute("class") == "curve");
        Assert.Single(svg.Descendants(Ns + "g"), g => (string?)g.Attribute("class") == "trajectory");
        Assert.Contains("f(x) = x^4 - 3*x^2 + x", svg.Descendants(Ns + "text").First().Value);
    }

    [Fact]
    public void DivergedTracesAreLabelledAndDoNotStretchTheView()
    {
        var f = Expression.Parse("x^2 + y^2");
        var ok = OptimizerTrace.Run("gd", f, [1.0, 1.0], new TraceSettings { Lr = 0.1, Steps = 5 });
        var bad = OptimizerTrace.Run("adam", f, [1.0, 1.0], new TraceSettings { Lr = 1e200, Steps = 5 });
        Assert.True(bad.Diverged);
        var plot = TraceChart.Build([ok, bad]);
        Assert.InRange(plot.Range.XMax, 1, 2);
        Assert.Equal(["gd", "adam (diverged)"], plot.Paths.Select(p => p.Label));
        Assert.Throws<ArgumentException>(() => TraceChart.Build([ok, OptimizerTrace.Run("gd", Expression.Parse("x^2"), [1.0], new TraceSettings())]));
    }

    [Fact]
    public async Task SvgRendersInAHeadlessBrowser()
    {
        await StandaloneSvg.AssertDrawsAsync(RosenbrockSvg(out _), minVisiblePaths: 9);
    }
}
