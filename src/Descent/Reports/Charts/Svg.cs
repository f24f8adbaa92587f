using System.Globalization;
using System.Text;

namespace Descent.Reports.Charts;

/// <summary>Tiny helpers for writing SVG text: invariant number formatting and XML escaping.</summary>
internal static class Svg
{
    /// <summary>A coordinate with two decimals, invariant culture.</summary>
    public static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Escapes text for XML content and attribute values.</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>A short human label for a tick value (e.g. 0.001, 1.5e-05, 12k).</summary>
    public static string Label(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e5 || a < 1e-3) return v.ToString("0.##e0", CultureInfo.InvariantCulture);
        return v.ToString("0.####", CultureInfo.InvariantCulture);
    }

    /// <summary>The categorical palette (colour-blind friendly, Okabe–Ito).</summary>
    public static readonly string[] Palette =
        ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

    /// <summary>Colour for series <paramref name="i"/>.</summary>
    public static string Color(int i) => Palette[i % Palette.Length];
}
