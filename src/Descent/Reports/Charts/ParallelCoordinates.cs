using System.Globalization;
using System.Text;

namespace Descent.Reports.Charts;

/// <summary>
/// Parallel-coordinates plot: one vertical axis per dimension, one polyline per row, coloured by the last
/// column (the objective) from good (dark) to bad (light). Categorical dimensions are given as indices.
/// </summary>
public static class ParallelCoordinates
{
    /// <summary>
    /// Renders rows (each with one value per dimension; NaN = parameter absent). Rows flagged in <paramref name="pruned"/>
    /// are drawn dashed in orange (class <c>row pruned</c>) with a key, as trials a pruner stopped at that objective value.
    /// </summary>
    public static string Render(IReadOnlyList<string> dimensions, IReadOnlyList<double[]> rows, string title = "",
        bool minimize = true, int width = 760, int height = 340, IReadOnlyList<bool>? pruned = null)
    {
        int d = dimensions.Count;
        const double top = 46, bottom = 30, left = 50, right = 50;
        var sb = new StringBuilder();
        XYChart.Open(sb, new ChartOptions { Title = title, Width = width, Height = height });
        if (d == 0 || rows.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">no data</text></svg>");
            return sb.ToString();
        }
        var axes = new Axis[d];
        double step = d == 1 ? 0 : (width - left - right) / (d - 1);
        for (int j = 0; j < d; j++)
        {
            var vals = rows.Select(r => r[j]).Where(double.IsFinite).ToList();
            axes[j] = new Axis(vals.Count > 0 ? vals.Min() : 0, vals.Count > 0 ? vals.Max() : 1, height - bottom, top);
        }
        var obj = rows.Select(r => r[d - 1]).Where(double.IsFinite).ToList();
        double lo = obj.Count > 0 ? obj.Min() : 0, hi = obj.Count > 0 ? obj.Max() : 1;
        sb.Append("<g class=\"lines\" fill=\"none\" stroke-width=\"1.2\">");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            bool isPruned = pruned is not null && i < pruned.Count && pruned[i];
            var path = new StringBuilder();
            bool pen = false;
            for (int j = 0; j < d; j++)
            {
                if (!double.IsFinite(r[j])) { pen = false; continue; }
                path.Append(pen ? 'L' : 'M').Append(Svg.N(left + j * step)).Append(',').Append(Svg.N(axes[j].Map(r[j])));
                pen = true;
            }
            double f = hi > lo && double.IsFinite(r[d - 1]) ? (r[d - 1] - lo) / (hi - lo) : 0.5;
            if (!minimize) f = 1 - f;
            int c = (int)(40 + f * 170);
            if (path.Length > 0 && isPruned)
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"row pruned\" d=\"{path}\" stroke=\"#D55E00\" stroke-dasharray=\"4 3\" stroke-opacity=\"0.8\"/>");
            else if (path.Length > 0)
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"row\" d=\"{path}\" stroke=\"rgb({c / 3},{c / 2 + 40},{Math.Min(255, c + 60)})\" stroke-opacity=\"0.7\"/>");
        }
        if (pruned is not null && pruned.Any(p => p))
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\" font-size=\"11\"><path d=\"M{width - right - 150},{height - 10}h18\" stroke=\"#D55E00\" stroke-dasharray=\"4 3\"/><text x=\"{width - right - 126}\" y=\"{height - 6}\">pruned (last reported value)</text></g>");
        sb.Append("</g><g class=\"axes\" font-size=\"11\">");
        for (int j = 0; j < d; j++)
        {
            double x = left + j * step;
            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"M{Svg.N(x)},{top}V{height - bottom}\" stroke=\"#333\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(x)}\" y=\"{top - 10}\" text-anchor=\"middle\">{Svg.Escape(dimensions[j])}</text>");
            foreach (var t in axes[j].Ticks)
            {
                double y = axes[j].MapTick(t);
                if (y < top - 0.5 || y > height - bottom + 0.5) continue;
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(x + 4)}\" y=\"{Svg.N(y + 4)}\" fill=\"#555\">{Svg.Escape(axes[j].TickLabel(t))}</text>");
            }
        }
        sb.Append("</g></svg>");
        return sb.ToString();
    }
}
