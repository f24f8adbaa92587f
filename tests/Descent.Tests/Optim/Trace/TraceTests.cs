using System.Xml.Linq;
using Descent.Optim.Trace;
using Descent.Tests.Reports;

namespace Descent.Tests.Optim.Trace;

/// <summary>Optimizer traces, contours and the SVG drawing (XML structure, and a real render in headless Chromium).</summary>
public class TraceTests
{
    [Fact]
    public void EveryMethodHasItsStateColumnsAndConverges()
    {
        var f = Expression.Parse("(x - 1)^2 + 2*(y + 0.5)^2");
        var expected = new Dictionary<string, string[]>
        {
            ["gd"] = ["grad", "theta", "loss"],
            ["momentum-ema"] = ["grad", "v", "theta", "loss"],
            ["sgd-momentum"] = ["grad", "v", "theta", "loss"],
            ["nesterov"] = ["grad", "v", "theta", "loss"],
            ["adagrad"] = ["grad", "sum", "theta", "loss"],
            ["rmsprop"] = ["grad", "v", "theta", "loss"],
            ["adam"] = ["grad", "m", "v", "m_hat", "v_hat", "theta", "loss"],
            ["adamw"] = ["grad", "m", "v", "m_hat", "v_hat", "theta", "loss"],
        };
        Assert.Equal(expected.Keys.Order(), OptimizerTrace.Methods.Order());
        foreach (var (method, columns) in expected)
        {
            var t = OptimizerTrace.Run(method, f, [3.0, 2.0], new TraceSettings { Lr = method == "adagrad" ? 0.5 : 0.05, Steps = 400 });
            Assert.Equal(columns, t.Columns.Select(c => c.Key));
            Assert.False(t.Diverged);
            Assert.Equal(401, t.Trajectory().Count);
            double loss = t.Column("loss")[^1];
            Assert.True(loss < 0.05 * f.Evaluate([3.0, 2.0]), $"{method} did not make progress: f = {loss}.");
        }
    }

    [Fact]
    public void DivergenceStopsTheTrace()
    {
        var t = OptimizerTrace.Run("gd", Expression.Parse("x^4"), [3.0], new TraceSettings { Lr = 1, Steps = 50 });
        Assert.True(t.Diverged);
        Assert.True(t.Rows.Count < 50);
        Assert.Contains("x0 has 2 value(s)", Assert.Throws<ArgumentException>(() => OptimizerTrace.Run("gd", Expression.Parse("x^2"), [1.0, 2.0], new TraceSettings())).Message);
        Assert.Contains("unknown optimizer 'lbfgs'", Assert.Throws<ArgumentException>(() => OptimizerTrace.Run("lbfgs", Expression.Parse("x^2"), [1.0], new TraceSettings())).Message);
    }

    [Fact]
    public void MarchingSquaresTracesACircle()
    {
        var range = new PlotRange(-2, 2, -2, 2);
        var grid = MarchingSquares.Sample((x, y) => x * x + y * y, range, 81, 81);
        var segments = MarchingSquares.Contour(grid, range, 1.0);
        Assert.True(segments.Count > 50);
        foreach (var s in segments)
        {
            Assert.Equal(1.0, Math.Sqrt(s.X1 * s.X1 + s.Y1 * s.Y1), 1e-2);
            Assert.Equal(1.0, Math.Sqrt(s.X2 * s.X2 + s.Y2 * s.Y2), 1e-2);
        }
        // Saddle cells (two opposite corners above the level) produce two segments, never crossing lines.
        var saddle = MarchingSquares.Contour(new double[,] { { 1, 0 }, { 0, 1 } }, new PlotRange(0, 1, 0, 1), 0.5);
        Assert.Equal(2, saddle.Count);
        Assert.Empty(MarchingSquares.Contour(new double[,] { { double.NaN, 0 }, { 0, 1 } }, new PlotRange(0, 1, 0, 1), 0.5));
    }

    private static string RosenbrockSvg(out List<TraceResult> traces)
    {
        var fn = TestFunctions.Find("Rosenbrock")!;
        var f = Expression.Parse(fn.Formula);
        traces = new[] { "gd", "momentum-ema", "adam" }.Select(m => OptimizerTrace.Run(m, f, fn.Start, new TraceSettings { Lr = 1e-3, Steps = 200 })).ToList();
        return TraceSvg.Render(traces, fn.Range, fn.Minima);
    }

    [Fact]
    public void SvgHasContoursTrajectoriesAndALegend()
    {
        var svg = XDocument.Parse(RosenbrockSvg(out var traces));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var contours = svg.Descendants(ns + "path").Where(p => (string?)p.Attribute("class") == "contour").ToList();
        Assert.True(contours.Count >= 8, $"only {contours.Count} contour levels");
        Assert.All(contours, c => Assert.StartsWith("M", (string)c.Attribute("d")!));
        var groups = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "trajectory").ToList();
        Assert.Equal(traces.Select(t => t.Method), groups.Select(g => (string)g.Attribute("data-optimizer")!));
        Assert.All(groups, g => Assert.Equal(201, ((string)g.Element(ns + "polyline")!.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        var legend = svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["gd", "momentum-ema", "adam"], legend.Elements(ns + "text").Select(t => t.Value));
        Assert.Single(svg.Descendants(ns + "path"), p => (string?)p.Attribute("class") == "marker");
        Assert.Contains("f(x, y) = (1 - x)^2 + 100*(y - x^2)^2", svg.Descendants(ns + "text").First().Value);
    }

    [Fact]
    public void OneVariableSvgDrawsTheCurve()
    {
        var f = Expression.Parse("x^4 - 3*x^2 + x");
        var t = OptimizerTrace.Run("adam", f, [2.0], new TraceSettings { Lr = 0.05, Steps = 30 });
        var svg = XDocument.Parse(TraceSvg.Render([t]));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Single(svg.Descendants(ns + "path"), p => (string?)p.Attribute("class") == "curve");
        Assert.Single(svg.Descendants(ns + "g"), g => (string?)g.Attribute("class") == "trajectory");
    }

    [Fact]
    public async Task SvgRendersInAHeadlessBrowser()
    {
        var dir = Directory.CreateTempSubdirectory("descent-trace-");
        try
        {
            var html = Path.Combine(dir.FullName, "trace.html");
            await File.WriteAllTextAsync(html, $"<!doctype html><html><head><title>trace</title></head><body>{RosenbrockSvg(out _)}</body></html>");
            var check = await HeadlessBrowser.OpenAsync(html, Path.Combine(dir.FullName, "trace.png"));
            Assert.Empty(check.ConsoleErrors);
            Assert.Equal(1, check.SvgCount);
            Assert.True(check.VisiblePaths >= 9, $"{check.VisiblePaths} visible paths");
            Assert.True(new FileInfo(Path.Combine(dir.FullName, "trace.png")).Length > 10_000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
