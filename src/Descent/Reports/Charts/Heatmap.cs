using System.Globalization;
using System.Text;

namespace Descent.Reports.Charts;

/// <summary>A labelled matrix of counts as coloured cells (e.g. a confusion matrix: rows true, columns predicted).</summary>
public static class Heatmap
{
    /// <summary>Renders <paramref name="counts"/> [rows, cols] with row/column labels.</summary>
    public static string Render(long[,] counts, IReadOnlyList<string> rowLabels, IReadOnlyList<string> colLabels,
        string title = "", string rowTitle = "true", string colTitle = "predicted", int cell = 36)
    {
        int rows = counts.GetLength(0), cols = counts.GetLength(1);
        if (rowLabels.Count != rows || colLabels.Count != cols)
            throw new ArgumentException($"Heatmap: {rows}×{cols} counts but {rowLabels.Count} row and {colLabels.Count} column labels.");
        int labelW = Math.Max(40, rowLabels.Count == 0 ? 0 : rowLabels.Max(l => l.Length) * 7 + 12);
        // Column headers are written upwards in full (names like "T-shirt/top" are wider than a cell): the top margin
        // holds the longest one at ~6.5 px per character, under the title.
        int headerH = colLabels.Count == 0 ? 0 : (int)Math.Ceiling(colLabels.Max(l => l.Length) * 6.5) + 10;
        int left = labelW + 18, top = 34 + Math.Max(18, headerH);
        int width = left + cols * cell + 16, height = top + rows * cell + 30;
        long max = 1;
        foreach (var v in counts) max = Math.Max(max, v);

        var sb = new StringBuilder();
        XYChart.Open(sb, new ChartOptions { Title = title, Width = width, Height = height });
        sb.Append("<g class=\"cells\" font-size=\"11\">");
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double f = counts[r, c] / (double)max;
                // White → blue ramp; diagonal cells of a confusion matrix stand out.
                int R = (int)(247 - f * (247 - 8)), G = (int)(251 - f * (251 - 81)), B = (int)(255 - f * (255 - 156));
                double x = left + c * cell, y = top + r * cell;
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell - 1}\" height=\"{cell - 1}\" fill=\"rgb({R},{G},{B})\"><title>{Svg.Escape(rowLabels[r])} → {Svg.Escape(colLabels[c])}: {counts[r, c]}</title></rect>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + cell / 2.0}\" y=\"{y + cell / 2.0 + 4}\" text-anchor=\"middle\" fill=\"{(f > 0.5 ? "#fff" : "#222")}\">{counts[r, c]}</text>");
            }
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + r * cell + cell / 2.0 + 4}\" text-anchor=\"end\">{Svg.Escape(rowLabels[r])}</text>");
        }
        for (int c = 0; c < cols; c++)
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"column-header\" transform=\"translate({left + c * cell + cell / 2.0 + 4},{top - 6}) rotate(-90)\">{Svg.Escape(colLabels[c])}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + cols * cell / 2.0}\" y=\"{height - 8}\" text-anchor=\"middle\">{Svg.Escape(colTitle)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(12,{top + rows * cell / 2.0}) rotate(-90)\" text-anchor=\"middle\">{Svg.Escape(rowTitle)}</text>");
        sb.Append("</g></svg>");
        return sb.ToString();
    }
}
