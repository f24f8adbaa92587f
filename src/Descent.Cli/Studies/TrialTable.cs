using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Tuning;

namespace Descent.Cli.Studies;

/// <summary>
/// A study's trials as a flat table (Optuna's <c>trials_dataframe</c> columns: number, state, value or
/// values_i, datetime_start, datetime_complete, duration, params_*, user_attrs_*; names sorted) and as JSON, for
/// <c>descent study show|export</c>.
/// </summary>
public static class TrialTable
{
    /// <summary>Header and one row per trial.</summary>
    public static (List<string> Header, List<List<string>> Rows) Build(Study study, IReadOnlyList<FrozenTrial> trials)
    {
        var objectives = StudyText.ObjectiveNames(study);
        var paramNames = Distinct(trials.SelectMany(t => t.Distributions.Keys)).Order(StringComparer.Ordinal).ToList();
        var attrNames = Distinct(trials.SelectMany(t => t.UserAttrs.Keys)).Order(StringComparer.Ordinal).ToList();
        var header = new List<string> { "number", "state" };
        header.AddRange(objectives);
        header.AddRange(["datetime_start", "datetime_complete", "duration"]);
        header.AddRange(paramNames.Select(p => "params_" + p));
        header.AddRange(attrNames.Select(a => "user_attrs_" + a));
        var rows = new List<List<string>>(trials.Count);
        foreach (var t in trials)
        {
            var r = new List<string> { t.Number.ToString(CultureInfo.InvariantCulture), t.State.ToString() };
            for (int i = 0; i < objectives.Count; i++) r.Add(t.Values is { } v && i < v.Count ? Number(v[i]) : "");
            r.Add(t.DatetimeStart?.ToString("O", CultureInfo.InvariantCulture) ?? "");
            r.Add(t.DatetimeComplete?.ToString("O", CultureInfo.InvariantCulture) ?? "");
            r.Add(t.Duration is { } d ? d.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture) : "");
            foreach (var p in paramNames) r.Add(t.InternalParams.ContainsKey(p) ? StudyText.ValueText(t.GetParam(p)) : "");
            foreach (var a in attrNames) r.Add(t.UserAttrs.TryGetValue(a, out var v) ? StudyText.ValueText(v) : "");
            rows.Add(r);
        }
        return (header, rows);
    }

    /// <summary>Writes <paramref name="header"/> and <paramref name="rows"/> as RFC 4180 CSV.</summary>
    public static void WriteCsv(TextWriter w, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        w.Write(string.Join(",", header.Select(Quote)) + "\n");
        foreach (var r in rows) w.Write(string.Join(",", r.Select(Quote)) + "\n");
    }

    /// <summary>Writes the trials as a JSON array (values, params in user-facing form, intermediate values, attributes).</summary>
    public static void WriteJson(TextWriter w, Study study, IReadOnlyList<FrozenTrial> trials)
    {
        var objectives = StudyText.ObjectiveNames(study);
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartArray();
            foreach (var t in trials) WriteTrial(j, t, objectives);
            j.WriteEndArray();
        }
        w.Write(Encoding.UTF8.GetString(ms.ToArray()));
        w.Write('\n');
    }

    /// <summary>Writes one trial as a JSON object.</summary>
    public static void WriteTrial(Utf8JsonWriter j, FrozenTrial t, IReadOnlyList<string> objectives)
    {
        j.WriteStartObject();
        j.WriteNumber("number", t.Number);
        j.WriteString("state", t.State.ToString());
        j.WriteStartObject("values");
        for (int i = 0; i < objectives.Count; i++)
        {
            j.WritePropertyName(objectives[i]);
            if (t.Values is { } v && i < v.Count) WriteNumber(j, v[i]);
            else j.WriteNullValue();
        }
        j.WriteEndObject();
        j.WriteStartObject("params");
        foreach (var (k, v) in t.Params) WriteValue(j, k, v);
        j.WriteEndObject();
        j.WriteStartObject("intermediate_values");
        foreach (var (step, v) in t.IntermediateValues)
        {
            j.WritePropertyName(step.ToString(CultureInfo.InvariantCulture));
            WriteNumber(j, v);
        }
        j.WriteEndObject();
        j.WriteStartObject("user_attrs");
        foreach (var (k, v) in t.UserAttrs) WriteValue(j, k, v);
        j.WriteEndObject();
        if (t.DatetimeStart is { } s) j.WriteString("datetime_start", s);
        if (t.DatetimeComplete is { } c) j.WriteString("datetime_complete", c);
        if (t.Duration is { } d) j.WriteNumber("duration", d.TotalSeconds);
        j.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter j, string key, object? v)
    {
        j.WritePropertyName(key);
        switch (v)
        {
            case null: j.WriteNullValue(); break;
            case string s: j.WriteStringValue(s); break;
            case bool b: j.WriteBooleanValue(b); break;
            case int i: j.WriteNumberValue(i); break;
            case long l: j.WriteNumberValue(l); break;
            case double d: WriteNumber(j, d); break;
            default: j.WriteStringValue(StudyText.ValueText(v)); break;
        }
    }

    // JSON has no NaN or infinity: non-finite values become null.
    private static void WriteNumber(Utf8JsonWriter j, double v)
    {
        if (double.IsFinite(v)) j.WriteNumberValue(v);
        else j.WriteNullValue();
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static List<string> Distinct(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return names.Where(seen.Add).ToList();
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
