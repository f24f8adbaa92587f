using System.Globalization;
using Descent.Reports.Html;

namespace Descent.Reports.Studies;

/// <summary>
/// Renders a <see cref="StudyReportModel"/> as one self-contained HTML page with inline SVG: overview,
/// optimization history, intermediate values, parallel coordinates, slice plots, parameter importance,
/// the Pareto front (two objectives) and the trials table.
/// </summary>
public static class StudyReport
{
    /// <summary>The HTML page.</summary>
    public static string Render(StudyReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Objectives.Count == 0) throw new ArgumentException("StudyReport: a study has at least one objective", nameof(model));
        var doc = new HtmlDocument($"Study {model.StudyName}");
        doc.Heading("Overview").KeyValues(Overview(model));

        var histories = Enumerable.Range(0, model.Objectives.Count).Select(i => StudyCharts.History(model, i)).OfType<string>().ToArray();
        doc.Heading("Optimization history");
        if (histories.Length > 0) doc.FigureRow(histories);
        else doc.Paragraph("No complete trials yet.");

        if (StudyCharts.Pareto(model) is { } pareto)
            doc.Heading("Pareto front").Figure(pareto, "highlighted: trials no other complete trial dominates");

        ArchitectureSection.Render(doc, model);

        if (StudyCharts.Intermediate(model) is { } inter)
            doc.Heading("Intermediate values").Figure(inter, "one line per trial that reported values; pruned trials in orange");

        if (StudyCharts.Parallel(model) is { } pc)
            doc.Heading("Parallel coordinates").Figure(pc, CategoricalCaption(model));

        var slices = StudyCharts.Slices(model);
        if (slices.Count > 0) doc.Heading("Slice plots").FigureRow([.. slices]);

        if (StudyCharts.Importance(model) is { } imp)
            doc.Heading("Parameter importance").Figure(imp, model.ImportanceNote);
        else if (model.ImportanceNote.Length > 0)
            doc.Heading("Parameter importance").Paragraph(model.ImportanceNote);

        doc.Heading("Trials").Table(TrialHeader(model), model.Trials.Select(t => TrialRow(model, t)));
        return doc.ToString();
    }

    private static List<(string, string)> Overview(StudyReportModel m)
    {
        var rows = new List<(string, string)>
        {
            ("study", m.StudyName),
            ("objectives", string.Join(", ", m.Objectives.Select(o => $"{o.Name} ({(o.Minimize ? "minimize" : "maximize")})"))),
            ("trials", m.Trials.Count.ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var g in m.Trials.GroupBy(t => t.State).OrderBy(g => g.Key, StringComparer.Ordinal))
            rows.Add(("  " + g.Key.ToLowerInvariant(), g.Count().ToString(CultureInfo.InvariantCulture)));
        if (m.Objectives.Count == 1 && StudyCharts.Complete(m, 0) is { Count: > 0 } complete)
        {
            bool min = m.Objectives[0].Minimize;
            var best = complete.Aggregate((a, b) => (min ? b.Values![0] < a.Values![0] : b.Values![0] > a.Values![0]) ? b : a);
            rows.Add(("best value", StudyCharts.Format(best.Values![0])));
            rows.Add(("best trial", best.Number.ToString(CultureInfo.InvariantCulture)));
            rows.Add(("best params", string.Join(", ", m.Parameters.Where(p => best.Params.ContainsKey(p.Name)).Select(p => $"{p.Name}={ParamText(best, p)}"))));
        }
        else if (m.Objectives.Count > 1)
        {
            rows.Add(("Pareto-optimal trials", string.Join(", ", m.Trials.Where(t => t.Best).Select(t => t.Number.ToString(CultureInfo.InvariantCulture)))));
        }
        rows.AddRange(m.Overview);
        return rows;
    }

    private static string CategoricalCaption(StudyReportModel m)
    {
        var parts = m.Parameters.Where(p => p.Choices is not null)
            .Select(p => $"{p.Name}: " + string.Join(", ", p.Choices!.Select((c, i) => $"{i}={c}"))).ToList();
        return parts.Count == 0 ? "one line per complete trial; darker = better" : "categorical axes show choice indices — " + string.Join("; ", parts);
    }

    private static List<string> TrialHeader(StudyReportModel m)
    {
        var h = new List<string> { "number", "state" };
        h.AddRange(m.Objectives.Select(o => o.Name));
        h.AddRange(m.Parameters.Select(p => p.Name));
        h.Add("last step");
        h.Add("seconds");
        h.Add(m.Objectives.Count > 1 ? "Pareto" : "best");
        return h;
    }

    private static IReadOnlyList<string> TrialRow(StudyReportModel m, StudyTrial t)
    {
        var r = new List<string> { t.Number.ToString(CultureInfo.InvariantCulture), t.State };
        for (int i = 0; i < m.Objectives.Count; i++)
            r.Add(t.Values is { } v && i < v.Count ? StudyCharts.Format(v[i]) : "");
        foreach (var p in m.Parameters) r.Add(t.Params.ContainsKey(p.Name) ? ParamText(t, p) : "");
        r.Add(t.Intermediate.Count > 0 ? StudyCharts.Format(t.Intermediate[^1].Step) : "");
        r.Add(t.DurationSeconds is double s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "");
        r.Add(t.Best ? "✓" : "");
        return r;
    }

    private static string ParamText(StudyTrial t, StudyParameter p)
    {
        if (t.ParamText.TryGetValue(p.Name, out var s)) return s;
        double v = t.Params[p.Name];
        return p.Choices is { } c && v >= 0 && v < c.Count && v == Math.Floor(v) ? c[(int)v] : StudyCharts.Format(v);
    }
}
