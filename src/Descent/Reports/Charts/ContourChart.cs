using System.Text;

namespace Descent.Reports.Charts;

/// <summary>
/// Renders a <see cref="ContourPlot"/> as self-contained SVG: contour lines and/or filled bands of a field, background
/// curves, paths (a polyline with a dot per point, a hollow circle at the start and a filled one at the end), crosses,
/// axes with ticks inside the exact range, and a legend naming each path. Used for optimizer trajectories over a loss
/// surface (<c>descent trace --svg</c>).
/// </summary>
public static class ContourChart
{
    private const double Left = 64, Right = 24, Top = 44, Bottom = 48;

    /// <summary>Renders <paramref name="plot"/> into an <c>&lt;svg&gt;</c> element.</summary>
    public static string Render(ContourPlot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        if (plot.Width < 200 || plot.Height < 200)
            throw new ArgumentOutOfRangeException(nameof(plot), $"ContourChart: the image must be at least 200×200, got {plot.Width}×{plot.Height}.");
        var frame = new Frame(plot.Range, Left, Top, plot.Width - Left - Right, plot.Height - Top - Bottom);
        string clip = ClipId(plot);
        var sb = new StringBuilder();
        // Standalone files (descent trace --svg) have no page to inherit a font from.
        XYChart.Open(sb, new ChartOptions { Title = plot.Title, Width = plot.Width, Height = plot.Height, FontFamily = "sans-serif" });
        sb.Append($"<clipPath id=\"{clip}\"><rect x=\"{Svg.N(frame.X)}\" y=\"{Svg.N(frame.Y)}\" width=\"{Svg.N(frame.W)}\" height=\"{Svg.N(frame.H)}\"/></clipPath>\n");
        if (plot.Field is { } field) DrawField(sb, field, frame, clip);
        foreach (var curve in plot.Curves) DrawCurve(sb, curve, frame, clip);
        for (int i = 0; i < plot.Paths.Count; i++) DrawPath(sb, plot.Paths[i], plot.Paths[i].Color ?? Svg.Color(i), frame, clip);
        foreach (var (x, y) in plot.Markers)
        {
            double px = frame.Px(x), py = frame.Py(y);
            sb.Append($"<path class=\"marker\" d=\"M{Svg.N(px - 5)} {Svg.N(py - 5)}L{Svg.N(px + 5)} {Svg.N(py + 5)}M{Svg.N(px - 5)} {Svg.N(py + 5)}L{Svg.N(px + 5)} {Svg.N(py - 5)}\" stroke=\"black\" stroke-width=\"1.5\" clip-path=\"url(#{clip})\"/>\n");
        }
        DrawAxes(sb, frame, plot);
        DrawLegend(sb, plot.Paths, frame);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void DrawField(StringBuilder sb, ContourField field, Frame frame, string clip)
    {
        var levels = MarchingSquares.QuantileLevels(field.Values, field.Levels);
        if (field.Filled)
        {
            sb.Append($"<g class=\"bands\" stroke=\"none\" clip-path=\"url(#{clip})\">\n");
            for (int k = 0; k <= levels.Length; k++)
            {
                double low = k == 0 ? double.NegativeInfinity : levels[k - 1], high = k == levels.Length ? double.PositiveInfinity : levels[k];
                var polygons = MarchingSquares.Band(field.Values, field.Range, low, high);
                if (polygons.Count == 0) continue;
                // Light blue at the lowest band to near-white at the highest: the paths stay the strongest colours.
                double t = levels.Length == 0 ? 1 : (double)k / levels.Length;
                sb.Append($"<path class=\"band\" fill=\"rgb({Mix(198, 253, t)},{Mix(219, 253, t)},{Mix(239, 253, t)})\" d=\"");
                foreach (var polygon in polygons)
                {
                    for (int p = 0; p < polygon.Length; p++)
                        sb.Append(p == 0 ? 'M' : 'L').Append(Svg.N(frame.Px(polygon[p].X))).Append(' ').Append(Svg.N(frame.Py(polygon[p].Y)));
                    sb.Append('Z');
                }
                sb.Append("\"/>\n");
            }
            sb.Append("</g>\n");
        }
        if (!field.Lines) return;
        sb.Append($"<g class=\"contours\" fill=\"none\" stroke-width=\"0.8\" clip-path=\"url(#{clip})\">\n");
        for (int k = 0; k < levels.Length; k++)
        {
            var segments = MarchingSquares.Contour(field.Values, field.Range, levels[k]);
            if (segments.Count == 0) continue;
            // Blue-grey at low levels to light grey at high ones.
            int shade = 120 + (int)(100.0 * k / Math.Max(1, levels.Length - 1));
            sb.Append($"<path class=\"contour\" data-level=\"{Svg.Label(levels[k])}\" stroke=\"rgb({shade},{shade},{Math.Min(255, shade + 60)})\" d=\"");
            foreach (var s in segments)
                sb.Append('M').Append(Svg.N(frame.Px(s.X1))).Append(' ').Append(Svg.N(frame.Py(s.Y1)))
                    .Append('L').Append(Svg.N(frame.Px(s.X2))).Append(' ').Append(Svg.N(frame.Py(s.Y2)));
            sb.Append("\"/>\n");
        }
        sb.Append("</g>\n");
    }

    private static void DrawCurve(StringBuilder sb, Series curve, Frame frame, string clip)
    {
        sb.Append($"<path class=\"curve\" data-name=\"{Svg.Escape(curve.Name)}\" fill=\"none\" stroke=\"{curve.Color ?? "#888"}\" stroke-width=\"1.2\" clip-path=\"url(#{clip})\" d=\"");
        bool pen = false;
        for (int i = 0; i < Math.Min(curve.X.Count, curve.Y.Count); i++)
        {
            if (!double.IsFinite(curve.X[i]) || !double.IsFinite(curve.Y[i])) { pen = false; continue; }
            sb.Append(pen ? 'L' : 'M').Append(Svg.N(frame.Px(curve.X[i]))).Append(' ').Append(Svg.N(frame.Py(curve.Y[i])));
            pen = true;
        }
        sb.Append("\"/>\n");
    }

    private static void DrawPath(StringBuilder sb, ChartPath path, string color, Frame frame, string clip)
    {
        var points = new List<(double X, double Y)>();
        for (int i = 0; i < Math.Min(path.X.Count, path.Y.Count); i++)
            if (double.IsFinite(path.X[i]) && double.IsFinite(path.Y[i])) points.Add((frame.Px(path.X[i]), frame.Py(path.Y[i])));
        if (points.Count == 0) return;
        sb.Append($"<g class=\"trajectory\" data-name=\"{Svg.Escape(path.Name)}\" clip-path=\"url(#{clip})\">\n");
        sb.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"");
        foreach (var (x, y) in points) sb.Append(Svg.N(x)).Append(',').Append(Svg.N(y)).Append(' ');
        sb.Append("\"/>\n");
        foreach (var (x, y) in points.Skip(1).SkipLast(1))
            sb.Append($"<circle cx=\"{Svg.N(x)}\" cy=\"{Svg.N(y)}\" r=\"1.8\" fill=\"{color}\"/>");
        var (sx, sy) = points[0];
        var (ex, ey) = points[^1];
        sb.Append($"\n<circle class=\"start\" cx=\"{Svg.N(sx)}\" cy=\"{Svg.N(sy)}\" r=\"4.5\" fill=\"white\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n");
        sb.Append($"<circle class=\"end\" cx=\"{Svg.N(ex)}\" cy=\"{Svg.N(ey)}\" r=\"4.5\" fill=\"{color}\"/>\n</g>\n");
    }

    private static void DrawAxes(StringBuilder sb, Frame f, ContourPlot plot)
    {
        var r = plot.Range;
        sb.Append("<g class=\"axes\" font-size=\"11\" fill=\"#333\">");
        sb.Append($"<rect class=\"frame\" x=\"{Svg.N(f.X)}\" y=\"{Svg.N(f.Y)}\" width=\"{Svg.N(f.W)}\" height=\"{Svg.N(f.H)}\" fill=\"none\" stroke=\"#333\"/>\n");
        foreach (double v in Axis.NiceTicks(r.XMin, r.XMax, 6).Where(t => t >= r.XMin && t <= r.XMax))
        {
            double px = f.Px(v);
            sb.Append($"<line x1=\"{Svg.N(px)}\" y1=\"{Svg.N(f.Y + f.H)}\" x2=\"{Svg.N(px)}\" y2=\"{Svg.N(f.Y + f.H + 5)}\" stroke=\"#333\"/>");
            sb.Append($"<text x=\"{Svg.N(px)}\" y=\"{Svg.N(f.Y + f.H + 18)}\" text-anchor=\"middle\">{Svg.Escape(Svg.Label(v))}</text>\n");
        }
        foreach (double v in Axis.NiceTicks(r.YMin, r.YMax, 6).Where(t => t >= r.YMin && t <= r.YMax))
        {
            double py = f.Py(v);
            sb.Append($"<line x1=\"{Svg.N(f.X - 5)}\" y1=\"{Svg.N(py)}\" x2=\"{Svg.N(f.X)}\" y2=\"{Svg.N(py)}\" stroke=\"#333\"/>");
            sb.Append($"<text x=\"{Svg.N(f.X - 8)}\" y=\"{Svg.N(py + 4)}\" text-anchor=\"end\">{Svg.Escape(Svg.Label(v))}</text>\n");
        }
        if (plot.XLabel.Length > 0)
            sb.Append($"<text x=\"{Svg.N(f.X + f.W / 2)}\" y=\"{Svg.N(f.Y + f.H + 38)}\" text-anchor=\"middle\" font-style=\"italic\">{Svg.Escape(plot.XLabel)}</text>\n");
        if (plot.YLabel.Length > 0)
            sb.Append($"<text transform=\"translate(16,{Svg.N(f.Y + f.H / 2)}) rotate(-90)\" text-anchor=\"middle\" font-style=\"italic\">{Svg.Escape(plot.YLabel)}</text>\n");
        sb.Append("</g>\n");
    }

    private static void DrawLegend(StringBuilder sb, IReadOnlyList<ChartPath> paths, Frame f)
    {
        if (paths.Count == 0) return;
        double w = 24 + 7 * paths.Max(p => (p.Label ?? p.Name).Length) + 16, h = 10 + 18 * paths.Count;
        double x = f.X + f.W - w - 8, y = f.Y + 8;
        sb.Append($"<g class=\"legend\" font-size=\"12\"><rect x=\"{Svg.N(x)}\" y=\"{Svg.N(y)}\" width=\"{Svg.N(w)}\" height=\"{Svg.N(h)}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n");
        for (int i = 0; i < paths.Count; i++)
        {
            double ly = y + 14 + 18 * i;
            string color = paths[i].Color ?? Svg.Color(i);
            sb.Append($"<line x1=\"{Svg.N(x + 8)}\" y1=\"{Svg.N(ly - 4)}\" x2=\"{Svg.N(x + 26)}\" y2=\"{Svg.N(ly - 4)}\" stroke=\"{color}\" stroke-width=\"3\"/>");
            sb.Append($"<text x=\"{Svg.N(x + 32)}\" y=\"{Svg.N(ly)}\">{Svg.Escape(paths[i].Label ?? paths[i].Name)}</text>\n");
        }
        sb.Append("</g>\n");
    }

    // Derived from the plot (FNV-1a), so several charts in one page keep their own clip rectangle and the output is
    // the same on every run.
    private static string ClipId(ContourPlot plot)
    {
        uint hash = 2166136261;
        foreach (char c in $"{plot.Title}|{plot.Width}x{plot.Height}|{plot.Range}")
            hash = (hash ^ c) * 16777619;
        return $"clip{hash:x8}";
    }

    private static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);

    // Data → pixel mapping of the plot area; clamped so a diverging path still writes short numbers (the clip hides them).
    private readonly record struct Frame(PlotRange R, double X, double Y, double W, double H)
    {
        public double Px(double v) => Math.Clamp(X + (v - R.XMin) / (R.XMax - R.XMin) * W, -1e5, 1e5);

        public double Py(double v) => Math.Clamp(Y + H - (v - R.YMin) / (R.YMax - R.YMin) * H, -1e5, 1e5);
    }
}
