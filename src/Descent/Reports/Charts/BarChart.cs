using System.Globalization;
using System.Text;

namespace Descent.Reports.Charts;

/// <summary>Horizontal bars with labels and values (e.g. parameter importance).</summary>
public static class BarChart
{
    /// <summary>Renders one bar per (label, value); values must be finite and non-negative.</summary>
    public static string Render(IReadOnlyList<(string Label, double Value)> bars, string title = "", int width = 560)
    {
        int labelW = Math.Max(60, bars.Count == 0 ? 0 : bars.Max(b => b.Label.Length) * 7 + 12);
        const int barH = 22, top = 34;
        int height = top + Math.Max(1, bars.Count) * barH + 16;
        double max = bars.Count == 0 ? 1 : Math.Max(1e-300, bars.Max(b => double.IsFinite(b.Value) ? b.Value : 0));
        double plotW = width - labelW - 70;
        var sb = new StringBuilder();
        XYChart.Open(sb, new ChartOptions { Title = title, Width = width, Height = height });
        sb.Append("<g class=\"bars\" font-size=\"11\">");
        for (int i = 0; i < bars.Count; i++)
        {
            double v = double.IsFinite(bars[i].Value) ? Math.Max(0, bars[i].Value) : 0;
            double w = Math.Max(1, v / max * plotW);
            double y = top + i * barH;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelW - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{Svg.Escape(bars[i].Label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<path class=\"bar\" d=\"M{labelW},{y + 3}h{Svg.N(w)}v{barH - 6}h{Svg.N(-w)}z\" fill=\"{Svg.Color(0)}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(labelW + w + 6)}\" y=\"{y + 15}\">{Svg.Escape(Svg.Label(v))}</text>");
        }
        sb.Append("</g></svg>");
        return sb.ToString();
    }
}
