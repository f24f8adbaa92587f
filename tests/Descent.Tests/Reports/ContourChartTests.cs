using System.Xml.Linq;
using Descent.Reports.Charts;

namespace Descent.Tests.Reports;

/// <summary>Contour charts: marching-squares lines and bands, paths with start/end markers, crosses and the legend.</summary>
public class ContourChartTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

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

    private static double Area((double X, double Y)[] polygon)
    {
        double a = 0;
        for (int i = 0; i < polygon.Length; i++)
        {
            var (x1, y1) = polygon[i];
            var (x2, y2) = polygon[(i + 1) % polygon.Length];
            a += x1 * y2 - x2 * y1;
        }
        return Math.Abs(a) / 2;
    }

    [Fact]
    public void BandsTileTheGridAndFollowTheContours()
    {
        var range = new PlotRange(-2, 2, -2, 2);
        var grid = MarchingSquares.Sample((x, y) => x * x + y * y, range, 81, 81);
        // The disc r < 1 has area π (the piecewise-linear approximation a little less); the ring 1 ≤ r² < 4 clipped to the
        // square is the square minus the disc; all bands together cover the square exactly.
        double disc = MarchingSquares.Band(grid, range, double.NegativeInfinity, 1).Sum(Area);
        double rest = MarchingSquares.Band(grid, range, 1, double.PositiveInfinity).Sum(Area);
        Assert.Equal(Math.PI, disc, 1e-2);
        Assert.Equal(16, disc + rest, 1e-9);
        var middle = MarchingSquares.Band(grid, range, 1, 2);
        Assert.Equal(Math.PI, middle.Sum(Area), 2e-2);   // π·(√2)² − π·1²
        Assert.All(middle, p => Assert.All(p, v => Assert.InRange(Math.Sqrt(v.X * v.X + v.Y * v.Y), 1 - 1e-2, Math.Sqrt(2) + 1e-2)));
    }

    private static ContourPlot Plot() => new(new PlotRange(-2, 2, -1, 3))
    {
        Title = "f(x, y) = (1 - x)^2 + 100*(y - x^2)^2",
        XLabel = "x",
        YLabel = "y",
        Field = ContourField.Sample((x, y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), new PlotRange(-2, 2, -1, 3)) with { Filled = true },
        Paths =
        [
            new ChartPath("gd", [-1.5, -1, 0, 1e300], [2, 1, 0.5, 1e300]) { Label = "gd (diverged)" },
            new ChartPath("adam", [-1.5, 0, 1], [2, 0, 1]),
        ],
        Markers = [(1, 1)],
    };

    [Fact]
    public void ContoursPathsMarkersAndLegend()
    {
        var svg = XDocument.Parse(ContourChart.Render(Plot()));
        Assert.Equal(Ns + "svg", svg.Root!.Name);
        Assert.Equal("f(x, y) = (1 - x)^2 + 100*(y - x^2)^2", svg.Descendants(Ns + "text").First().Value);
        var contours = svg.Descendants(Ns + "path").Where(p => (string?)p.Attribute("class") == "contour").ToList();
        Assert.True(contours.Count >= 8, $"only {contours.Count} contour levels");
        Assert.All(contours, c => Assert.StartsWith("M", (string)c.Attribute("d")!));
        var bands = svg.Descendants(Ns + "path").Where(p => (string?)p.Attribute("class") == "band").ToList();
        Assert.Equal(contours.Count + 1, bands.Count);
        var groups = svg.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == "trajectory").ToList();
        Assert.Equal(["gd", "adam"], groups.Select(g => (string)g.Attribute("data-name")!));
        // A point far outside the range is clamped to a short coordinate (the clip path hides it).
        Assert.Equal(4, ((string)groups[0].Element(Ns + "polyline")!.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("e+", svg.ToString());
        Assert.All(groups, g => Assert.Single(g.Elements(Ns + "circle"), c => (string?)c.Attribute("class") == "start"));
        var legend = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["gd (diverged)", "adam"], legend.Elements(Ns + "text").Select(t => t.Value));
        Assert.Single(svg.Descendants(Ns + "path"), p => (string?)p.Attribute("class") == "marker");
        // Every tick lies inside the exact range.
        var ticks = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "axes").Elements(Ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("-2", ticks);
        Assert.Contains("3", ticks);
        Assert.DoesNotContain("-3", ticks);
    }

    [Fact]
    public void ACurveWithoutAFieldAndTwoChartsInOnePageKeepTheirOwnClip()
    {
        var curve = new ContourPlot(new PlotRange(-1, 1, 0, 1)) { Curves = [new Series("f", [-1, 0, 1], [1, 0, 1])] };
        var svg = XDocument.Parse(ContourChart.Render(curve));
        Assert.Single(svg.Descendants(Ns + "path"), p => (string?)p.Attribute("class") == "curve");
        Assert.DoesNotContain(svg.Descendants(Ns + "g"), g => (string?)g.Attribute("class") is "contours" or "legend");
        string Clip(ContourPlot p) => (string)XDocument.Parse(ContourChart.Render(p)).Descendants(Ns + "clipPath").Single().Attribute("id")!;
        Assert.NotEqual(Clip(curve), Clip(Plot()));
        Assert.Equal(Clip(Plot()), Clip(Plot()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContourChart.Render(curve with { Width = 100 }));
    }

    [Fact]
    public async Task RendersInAHeadlessBrowser()
    {
        await StandaloneSvg.AssertDrawsAsync(ContourChart.Render(Plot()), minVisiblePaths: 9);
    }
}
