using System.Globalization;
using System.Text;

namespace Descent.Optim.Trace;

/// <summary>
/// Draws traces as a standalone SVG: for a function of two variables, its contour lines (marching squares) with each
/// optimizer's trajectory overlaid; for one variable, the curve f(θ) with each trajectory's points on it. A legend
/// names each optimizer; the start is a hollow circle, the end a filled one.
/// </summary>
public static class TraceSvg
{
    private static readonly string[] Palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private const double Left = 64, Right = 24, Top = 44, Bottom = 48;

    /// <summary>
    /// Renders <paramref name="traces"/> (all of the same function). <paramref name="range"/> defaults to the bounding box
    /// of the trajectories that did not diverge and of every start; <paramref name="markers"/> (e.g. the known minima) are drawn as small crosses.
    /// </summary>
    public static string Render(IReadOnlyList<TraceResult> traces, PlotRange? range = null, IReadOnlyList<double[]>? markers = null,
        int width = 680, int height = 560, int contourLevels = 16)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0) throw new ArgumentException("TraceSvg: nothing to draw.", nameof(traces));
        var f = traces[0].Function;
        foreach (var t in traces)
            if (t.Function.Text != f.Text)
                throw new ArgumentException("TraceSvg: all traces must be of the same function.", nameof(traces));
        if (f.Dimension > 2)
            throw new ArgumentException($"TraceSvg: can draw functions of 1 or 2 variables, '{f.Text}' has {f.Dimension}.", nameof(traces));
        if (width < 200 || height < 200) throw new ArgumentOutOfRangeException(nameof(width), "TraceSvg: the image must be at least 200×200.");

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Escape(Title(f))}</text>\n");
        var plot = new Frame(Left, Top, width - Left - Right, height - Top - Bottom);
        svg.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"plot\"><rect x=\"{N(plot.X)}\" y=\"{N(plot.Y)}\" width=\"{N(plot.W)}\" height=\"{N(plot.H)}\"/></clipPath>\n");

        PlotRange r = f.Dimension == 2 ? DrawSurface(svg, traces, range, plot) : DrawCurve(svg, traces, range, plot);
        if (markers is not null && f.Dimension == 2)
            foreach (var m in markers)
            {
                double mx = plot.Px(m[0], r), my = plot.Py(m[1], r);
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"marker\" d=\"M{N(mx - 5)} {N(my - 5)}L{N(mx + 5)} {N(my + 5)}M{N(mx - 5)} {N(my + 5)}L{N(mx + 5)} {N(my - 5)}\" stroke=\"black\" stroke-width=\"1.5\" clip-path=\"url(#plot)\"/>\n");
            }
        Axes(svg, plot, r, f.Dimension == 2 ? f.Variables[0] : f.Variables[0], f.Dimension == 2 ? f.Variables[1] : "f");
        Legend(svg, traces, plot);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static PlotRange DrawSurface(StringBuilder svg, IReadOnlyList<TraceResult> traces, PlotRange? range, Frame plot)
    {
        var f = traces[0].Function;
        // Diverged runs would stretch the view to 1e100: frame the others (and every start) instead.
        var r = range ?? PlotRange.Around(traces.SelectMany(t => t.Diverged ? [t.Trajectory()[0]] : t.Trajectory()));
        var grid = MarchingSquares.Sample((x, y) => f.Evaluate([x, y]), r, 121, 121);
        var levels = MarchingSquares.QuantileLevels(grid, 16);
        svg.Append("<g class=\"contours\" fill=\"none\" stroke-width=\"0.8\" clip-path=\"url(#plot)\">\n");
        for (int k = 0; k < levels.Length; k++)
        {
            var segs = MarchingSquares.Contour(grid, r, levels[k]);
            if (segs.Count == 0) continue;
            // Light blue (low) to grey (high).
            int shade = 120 + (int)(100.0 * k / Math.Max(1, levels.Length - 1));
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"contour\" data-level=\"{levels[k]:G6}\" stroke=\"rgb({shade},{shade},{Math.Min(255, shade + 60)})\" d=\"");
            foreach (var s in segs)
                svg.Append(CultureInfo.InvariantCulture, $"M{N(plot.Px(s.X1, r))} {N(plot.Py(s.Y1, r))}L{N(plot.Px(s.X2, r))} {N(plot.Py(s.Y2, r))}");
            svg.Append("\"/>\n");
        }
        svg.Append("</g>\n");
        for (int i = 0; i < traces.Count; i++)
            Trajectory(svg, traces[i].Trajectory().Select(p => (p[0], p[1])).ToList(), Palette[i % Palette.Length], traces[i].Method, plot, r);
        return r;
    }

    private static PlotRange DrawCurve(StringBuilder svg, IReadOnlyList<TraceResult> traces, PlotRange? range, Frame plot)
    {
        var f = traces[0].Function;
        var xs = traces.SelectMany(t => t.Diverged ? [t.Trajectory()[0]] : t.Trajectory()).Select(p => p[0]).Where(double.IsFinite).ToList();
        double x0 = xs.Count > 0 ? xs.Min() : -1, x1 = xs.Count > 0 ? xs.Max() : 1;
        double pad = Math.Max((x1 - x0) * 0.15, 0.5);
        double lo = range?.XMin ?? x0 - pad, hi = range?.XMax ?? x1 + pad;
        const int samples = 400;
        var curve = new List<(double X, double Y)>(samples + 1);
        for (int i = 0; i <= samples; i++)
        {
            double x = lo + (hi - lo) * i / samples;
            curve.Add((x, f.Evaluate([x])));
        }
        var ys = curve.Select(p => p.Y).Where(double.IsFinite).ToList();
        double y0 = ys.Count > 0 ? ys.Min() : -1, y1 = ys.Count > 0 ? ys.Max() : 1;
        if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
        var r = range ?? new PlotRange(lo, hi, y0 - (y1 - y0) * 0.05, y1 + (y1 - y0) * 0.05);
        svg.Append("<path class=\"curve\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\" clip-path=\"url(#plot)\" d=\"");
        bool pen = false;
        foreach (var (x, y) in curve)
        {
            if (!double.IsFinite(y)) { pen = false; continue; }
            svg.Append(CultureInfo.InvariantCulture, $"{(pen ? 'L' : 'M')}{N(plot.Px(x, r))} {N(plot.Py(y, r))}");
            pen = true;
        }
        svg.Append("\"/>\n");
        for (int i = 0; i < traces.Count; i++)
        {
            var pts = traces[i].Trajectory().Select(p => (p[0], f.Evaluate([p[0]]))).ToList();
            Trajectory(svg, pts, Palette[i % Palette.Length], traces[i].Method, plot, r);
        }
        return r;
    }

    private static void Trajectory(StringBuilder svg, List<(double X, double Y)> points, string color, string name, Frame plot, PlotRange r)
    {
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"trajectory\" data-optimizer=\"{Escape(name)}\" clip-path=\"url(#plot)\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"");
        foreach (var (x, y) in finite)
            svg.Append(CultureInfo.InvariantCulture, $"{N(plot.Px(x, r))},{N(plot.Py(y, r))} ");
        svg.Append("\"/>\n");
        foreach (var (x, y) in finite.Skip(1).SkipLast(1))
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(plot.Px(x, r))}\" cy=\"{N(plot.Py(y, r))}\" r=\"1.8\" fill=\"{color}\"/>");
        var (sx, sy) = finite[0];
        var (ex, ey) = finite[^1];
        svg.Append(CultureInfo.InvariantCulture, $"\n<circle class=\"start\" cx=\"{N(plot.Px(sx, r))}\" cy=\"{N(plot.Py(sy, r))}\" r=\"4.5\" fill=\"white\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"end\" cx=\"{N(plot.Px(ex, r))}\" cy=\"{N(plot.Py(ey, r))}\" r=\"4.5\" fill=\"{color}\"/>\n</g>\n");
    }

    private static void Axes(StringBuilder svg, Frame plot, PlotRange r, string xName, string yName)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"{N(plot.X)}\" y=\"{N(plot.Y)}\" width=\"{N(plot.W)}\" height=\"{N(plot.H)}\" fill=\"none\" stroke=\"black\"/>\n");
        foreach (double v in Ticks(r.XMin, r.XMax))
        {
            double px = plot.Px(v, r);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(px)}\" y1=\"{N(plot.Y + plot.H)}\" x2=\"{N(px)}\" y2=\"{N(plot.Y + plot.H + 5)}\" stroke=\"black\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(px)}\" y=\"{N(plot.Y + plot.H + 18)}\" text-anchor=\"middle\">{v:G4}</text>\n");
        }
        foreach (double v in Ticks(r.YMin, r.YMax))
        {
            double py = plot.Py(v, r);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(plot.X - 5)}\" y1=\"{N(py)}\" x2=\"{N(plot.X)}\" y2=\"{N(py)}\" stroke=\"black\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(plot.X - 8)}\" y=\"{N(py + 4)}\" text-anchor=\"end\">{v:G4}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(plot.X + plot.W / 2)}\" y=\"{N(plot.Y + plot.H + 38)}\" text-anchor=\"middle\" font-style=\"italic\">{Escape(xName)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{N(plot.Y + plot.H / 2)}\" text-anchor=\"middle\" font-style=\"italic\" transform=\"rotate(-90 16 {N(plot.Y + plot.H / 2)})\">{Escape(yName)}</text>\n");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<TraceResult> traces, Frame plot)
    {
        double w = 24 + 8 * traces.Max(t => Label(t).Length) + 16, h = 10 + 18 * traces.Count;
        double x = plot.X + plot.W - w - 8, y = plot.Y + 8;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\"><rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n");
        for (int i = 0; i < traces.Count; i++)
        {
            double ly = y + 14 + 18 * i;
            string color = Palette[i % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x + 8)}\" y1=\"{N(ly - 4)}\" x2=\"{N(x + 26)}\" y2=\"{N(ly - 4)}\" stroke=\"{color}\" stroke-width=\"3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + 32)}\" y=\"{N(ly)}\">{Escape(Label(traces[i]))}</text>\n");
        }
        svg.Append("</g>\n");
    }

    private static string Label(TraceResult t) => t.Diverged ? $"{t.Method} (diverged)" : t.Method;

    private static string Title(Expression f) => $"f({string.Join(", ", f.Variables)}) = {f.Text}";

    /// <summary>About five round tick values inside [lo, hi].</summary>
    internal static List<double> Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = raw / mag >= 5 ? 5 * mag : raw / mag >= 2 ? 2 * mag : mag;
        var ticks = new List<double>();
        for (double v = Math.Ceiling(lo / step) * step; v <= hi + step * 1e-9; v += step)
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private readonly record struct Frame(double X, double Y, double W, double H)
    {
        // Clamped so a diverging trajectory still writes short numbers (the clip path hides what is outside).
        public double Px(double v, PlotRange r) => Math.Clamp(X + (v - r.XMin) / (r.XMax - r.XMin) * W, -1e5, 1e5);

        public double Py(double v, PlotRange r) => Math.Clamp(Y + H - (v - r.YMin) / (r.YMax - r.YMin) * H, -1e5, 1e5);
    }
}
