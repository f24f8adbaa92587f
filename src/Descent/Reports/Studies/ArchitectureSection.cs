using System.Globalization;
using System.Text;
using Descent.Reports.Charts;
using Descent.Reports.Html;

namespace Descent.Reports.Studies;

/// <summary>A searched architecture of one trial: its layer diagram, cost and lineage (<c>descent search</c>).</summary>
/// <param name="Number">The trial number.</param>
/// <param name="Diagram">One line per block, then the head.</param>
/// <param name="Parameters">Parameter count, when measured.</param>
/// <param name="Macs">Multiply-accumulates of one sample's forward pass, when measured.</param>
/// <param name="Parents">The trials the candidate was derived from (empty: drawn at random).</param>
/// <param name="Mutation">The decision a mutation changed, or null.</param>
public sealed record StudyArchitecture(int Number, IReadOnlyList<string> Diagram, long? Parameters, long? Macs, IReadOnlyList<int> Parents, string? Mutation);

/// <summary>
/// The architecture search part of a study report: accuracy against parameters with the Pareto front of the two, the best
/// architectures as layer diagrams, and the lineage of the best one (evolution's chain of mutations).
/// </summary>
public static class ArchitectureSection
{
    private const int Shown = 5;

    /// <summary>Adds the section to <paramref name="doc"/> when the model holds architectures.</summary>
    public static void Render(HtmlDocument doc, StudyReportModel model)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Architectures.Count == 0) return;
        var byNumber = model.Architectures.ToDictionary(a => a.Number);
        var complete = StudyCharts.Complete(model, 0).Where(t => byNumber.ContainsKey(t.Number)).ToList();
        var objective = model.Objectives[0];
        double Sign(StudyTrial t) => objective.Minimize ? -t.Values![0] : t.Values![0];

        if (CostChart(complete, byNumber, objective) is { } chart)
            doc.Heading("Accuracy against size").Figure(chart, $"every complete candidate; the front: no other candidate has a better {objective.Name} with fewer parameters");

        var best = complete.OrderByDescending(Sign).ThenBy(t => t.Number).Take(Shown).ToList();
        if (best.Count > 0)
        {
            doc.Heading("Best architectures");
            doc.FigureRow([.. best.Select(t => Diagram(t, byNumber[t.Number], objective))]);
            var lineage = Lineage(best[0].Number, byNumber, model.Trials.ToDictionary(t => t.Number));
            if (lineage.Count > 1)
                doc.Heading($"Lineage of trial {best[0].Number}").Table(["trial", objective.Name, "parameters", "from", "change"], lineage);
        }
    }

    private static string? CostChart(List<StudyTrial> complete, Dictionary<int, StudyArchitecture> byNumber, StudyObjective objective)
    {
        var points = complete.Where(t => byNumber[t.Number].Parameters is > 0).Select(t => (X: (double)byNumber[t.Number].Parameters!.Value, Y: t.Values![0])).ToList();
        if (points.Count == 0) return null;
        // The front: sorted by size, a point stays when it beats every smaller one.
        var front = new List<(double X, double Y)>();
        foreach (var p in points.OrderBy(p => p.X).ThenBy(p => objective.Minimize ? p.Y : -p.Y))
            if (front.Count == 0 || (objective.Minimize ? p.Y < front[^1].Y : p.Y > front[^1].Y)) front.Add(p);
        return XYChart.Render(
        [
            new Series("candidates", points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList()) { Line = false, Markers = true, Color = "#999999" },
            new Series("front", front.Select(p => p.X).ToList(), front.Select(p => p.Y).ToList()) { Step = true, Markers = true, MarkerRadius = 3.6, Color = "#D55E00" },
        ], new ChartOptions { Title = $"{objective.Name} against parameters", XLabel = "parameters", LogX = true, YLabel = objective.Name, Width = 640, Height = 360 });
    }

    // A vertical stack of boxes, one per block, with the trial's value and size above.
    private static string Diagram(StudyTrial trial, StudyArchitecture a, StudyObjective objective)
    {
        const int width = 260, box = 26, gap = 12, top = 44;
        int height = top + a.Diagram.Count * (box + gap) + 4;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">");
        string size = a.Parameters is long p ? p.ToString("N0", CultureInfo.InvariantCulture) + " parameters" : "";
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">trial {trial.Number}: {Svg.Escape(objective.Name)} {StudyCharts.Format(trial.Values![0])}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"32\" text-anchor=\"middle\">{Svg.Escape(size)}</text>");
        for (int i = 0; i < a.Diagram.Count; i++)
        {
            int y = top + i * (box + gap);
            bool head = i == a.Diagram.Count - 1;
            string fill = head ? "#eeeeee" : a.Diagram[i].StartsWith("linear", StringComparison.Ordinal) ? "#d9ecf7" : "#fde3cf";
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"8\" y=\"{y}\" width=\"{width - 16}\" height=\"{box}\" rx=\"5\" fill=\"{fill}\" stroke=\"#555\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{y + 17}\" text-anchor=\"middle\">{Svg.Escape(a.Diagram[i])}</text>");
            if (i > 0) sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width / 2}\" y1=\"{y - gap}\" x2=\"{width / 2}\" y2=\"{y}\" stroke=\"#555\"/>");
        }
        return sb.Append("</svg>").ToString();
    }

    // From the best trial back through first parents to a candidate drawn at random.
    private static List<IReadOnlyList<string>> Lineage(int number, Dictionary<int, StudyArchitecture> byNumber, Dictionary<int, StudyTrial> trials)
    {
        var rows = new List<IReadOnlyList<string>>();
        var seen = new HashSet<int>();
        int? current = number;
        while (current is int n && seen.Add(n) && byNumber.TryGetValue(n, out var a))
        {
            string value = trials.TryGetValue(n, out var t) && t.Values is { Count: > 0 } v ? StudyCharts.Format(v[0]) : "";
            rows.Add([n.ToString(CultureInfo.InvariantCulture), value, a.Parameters?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                a.Parents.Count == 0 ? "random" : string.Join(" × ", a.Parents), a.Mutation ?? ""]);
            current = a.Parents.Count > 0 ? a.Parents[0] : null;
        }
        return rows;
    }
}
