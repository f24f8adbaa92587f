using System.Text;

namespace Descent.Reports.Charts;

/// <summary>
/// Line and scatter charts as self-contained inline SVG (axes, nice ticks, grid, legend). The x axis ends at the data;
/// both axes keep a few pixels free at their ends so markers at the limits are drawn whole; the legend has a column of
/// its own right of the plot, so it never covers a line or a point.
/// </summary>
public static class XYChart
{
    private const double Left = 64, Right = 16, Top = 34, Bottom = 46, Inset = 7;

    /// <summary>Renders <paramref name="series"/> into an <c>&lt;svg&gt;</c> element.</summary>
    public static string Render(IReadOnlyList<Series> series, ChartOptions options)
    {
        var xs = series.SelectMany(s => s.X).Where(double.IsFinite).ToList();
        var ys = series.SelectMany(s => s.Y).Where(double.IsFinite).ToList();
        bool logX = options.LogX && xs.Count > 0 && xs.All(v => v > 0);
        bool logY = options.LogY && ys.Count > 0 && ys.All(v => v > 0);
        double plotRight = options.Width - Right - LegendWidth(series);
        double x0 = xs.Count > 0 ? xs.Min() : 0, x1 = xs.Count > 0 ? xs.Max() : 1;
        // One trial or epoch: a unit around it, so the only tick is the count itself (not -1 … 1).
        if (options.IntegerX && x0 == x1 && !logX) (x0, x1) = (x0 - 0.5, x1 + 0.5);
        var x = new Axis(x0, x1, Left, plotRight, logX, tight: true, inset: Inset);
        var y = new Axis(ys.Count > 0 ? ys.Min() : 0, ys.Count > 0 ? ys.Max() : 1, options.Height - Bottom, Top, logY, inset: Inset);

        var sb = new StringBuilder();
        Open(sb, options);
        DrawAxes(sb, x, y, options, plotRight);
        if (xs.Count == 0)
            sb.Append($"<text x=\"{Svg.N(options.Width / 2.0)}\" y=\"{Svg.N(options.Height / 2.0)}\" text-anchor=\"middle\" class=\"empty\">no data</text>");
        for (int i = 0; i < series.Count; i++)
            DrawSeries(sb, series[i], series[i].Color ?? Svg.Color(i), x, y);
        DrawLegend(sb, series, options);
        sb.Append("</svg>");
        return sb.ToString();
    }

    internal static void Open(StringBuilder sb, ChartOptions o)
    {
        string font = o.FontFamily is { } f ? $" font-family=\"{Svg.Escape(f)}\"" : "";
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{o.Width}\" height=\"{o.Height}\" viewBox=\"0 0 {o.Width} {o.Height}\" role=\"img\" aria-label=\"{Svg.Escape(o.Title)}\"{font}>");
        sb.Append($"<rect x=\"0\" y=\"0\" width=\"{o.Width}\" height=\"{o.Height}\" fill=\"#fff\"/>");
        if (o.Title.Length > 0)
            sb.Append($"<text x=\"{Svg.N(o.Width / 2.0)}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">{Svg.Escape(o.Title)}</text>");
    }

    private static void DrawAxes(StringBuilder sb, Axis x, Axis y, ChartOptions o, double plotRight)
    {
        sb.Append("<g class=\"axes\" font-size=\"11\" fill=\"#333\">");
        foreach (var t in y.Ticks)
        {
            double py = y.MapTick(t);
            if (py < Top - 0.5 || py > o.Height - Bottom + 0.5) continue;
            sb.Append($"<line x1=\"{Svg.N(Left)}\" x2=\"{Svg.N(plotRight)}\" y1=\"{Svg.N(py)}\" y2=\"{Svg.N(py)}\" stroke=\"#e5e5e5\"/>");
            sb.Append($"<text x=\"{Svg.N(Left - 6)}\" y=\"{Svg.N(py + 4)}\" text-anchor=\"end\">{Svg.Escape(y.TickLabel(t))}</text>");
        }
        foreach (var t in x.Ticks)
        {
            double px = x.MapTick(t);
            if (px < Left - 0.5 || px > plotRight + 0.5) continue;
            if (o.IntegerX && !x.Log && Math.Abs(t - Math.Round(t)) > 1e-9) continue;
            sb.Append($"<line x1=\"{Svg.N(px)}\" x2=\"{Svg.N(px)}\" y1=\"{Svg.N(o.Height - Bottom)}\" y2=\"{Svg.N(o.Height - Bottom + 4)}\" stroke=\"#333\"/>");
            sb.Append($"<text x=\"{Svg.N(px)}\" y=\"{Svg.N(o.Height - Bottom + 16)}\" text-anchor=\"middle\">{Svg.Escape(x.TickLabel(t))}</text>");
        }
        sb.Append($"<path d=\"M{Svg.N(Left)},{Svg.N(Top)}V{Svg.N(o.Height - Bottom)}H{Svg.N(plotRight)}\" fill=\"none\" stroke=\"#333\"/>");
        if (o.XLabel.Length > 0)
            sb.Append($"<text x=\"{Svg.N((Left + plotRight) / 2)}\" y=\"{Svg.N(o.Height - 8)}\" text-anchor=\"middle\">{Svg.Escape(o.XLabel)}</text>");
        if (o.YLabel.Length > 0)
            sb.Append($"<text transform=\"translate(14,{Svg.N((Top + o.Height - Bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\">{Svg.Escape(o.YLabel)}</text>");
        sb.Append("</g>");
    }

    private static void DrawSeries(StringBuilder sb, Series s, string color, Axis x, Axis y)
    {
        int n = Math.Min(s.X.Count, s.Y.Count);
        if (s.Line)
        {
            var d = new StringBuilder();
            bool pen = false;
            int segments = 0;
            for (int i = 0; i < n; i++)
            {
                if (!Valid(s.X[i], x) || !Valid(s.Y[i], y)) { pen = false; continue; }
                double px = x.Map(s.X[i]), py = y.Map(s.Y[i]);
                if (!pen) d.Append('M').Append(Svg.N(px)).Append(',').Append(Svg.N(py));
                else if (s.Step) d.Append('H').Append(Svg.N(px)).Append('V').Append(Svg.N(py));
                else d.Append('L').Append(Svg.N(px)).Append(',').Append(Svg.N(py));
                if (pen) segments++;
                pen = true;
            }
            // A path of lone points draws nothing (and has an empty box): leave it out; markers show such points.
            if (segments > 0)
                sb.Append($"<path class=\"series\" data-name=\"{Svg.Escape(s.Name)}\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>");
        }
        if (s.Markers)
        {
            sb.Append($"<g class=\"markers\" data-name=\"{Svg.Escape(s.Name)}\" fill=\"{color}\" fill-opacity=\"0.75\">");
            for (int i = 0; i < n; i++)
                if (Valid(s.X[i], x) && Valid(s.Y[i], y))
                    sb.Append($"<circle cx=\"{Svg.N(x.Map(s.X[i]))}\" cy=\"{Svg.N(y.Map(s.Y[i]))}\" r=\"{Svg.N(s.MarkerRadius)}\"/>");
            sb.Append("</g>");
        }
    }

    private static bool Valid(double v, Axis axis) => double.IsFinite(v) && (!axis.Log || v > 0);

    // The legend's column: a swatch, a gap and the longest name at ~6.5 px per character of the 11 px font.
    private static double LegendWidth(IReadOnlyList<Series> series)
    {
        var shown = series.Where(s => s.InLegend).ToList();
        return shown.Count < 2 ? 0 : 28 + shown.Max(s => s.Name.Length) * 6.5;
    }

    private static void DrawLegend(StringBuilder sb, IReadOnlyList<Series> series, ChartOptions o)
    {
        double width = LegendWidth(series);
        if (width == 0) return;
        double xPos = o.Width - Right - width + 12;
        sb.Append("<g class=\"legend\" font-size=\"11\">");
        for (int i = 0, row = 0; i < series.Count; i++)
        {
            if (!series[i].InLegend) continue;
            double py = Top + 6 + row++ * 15;
            var c = series[i].Color ?? Svg.Color(i);
            sb.Append($"<rect x=\"{Svg.N(xPos)}\" y=\"{Svg.N(py - 7)}\" width=\"10\" height=\"10\" fill=\"{c}\"/>");
            sb.Append($"<text x=\"{Svg.N(xPos + 14)}\" y=\"{Svg.N(py + 2)}\">{Svg.Escape(series[i].Name)}</text>");
        }
        sb.Append("</g>");
    }
}
