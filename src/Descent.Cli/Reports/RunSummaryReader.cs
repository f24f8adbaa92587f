using System.Globalization;
using System.Text.Json;
using Descent.Reports.Runs;

namespace Descent.Cli.Reports;

/// <summary>
/// Reads a run's summary.json (<c>name, status, epochs, best_epoch, stop_reason, seed, parameters,
/// model_summary, test, confusion_matrix, class_names, timing</c>) into the parts of a
/// <see cref="RunReportModel"/>. Every key is optional; unknown keys are ignored (newer writers may add
/// some); a key with the wrong type is an error naming its line.
/// </summary>
public static class RunSummaryReader
{
    /// <summary>Fills <paramref name="model"/> from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Invalid JSON or a value of the wrong type (file, line and key).</exception>
    public static RunReportModel Read(string path, RunReportModel model)
    {
        using var src = JsonSource.Load(path);
        var root = src.Root;
        if (root.ValueKind != JsonValueKind.Object) throw src.Error([], "must be an object");
        var overview = new List<(string, string)>();
        string? name = OptString(src, root, "name");
        if (name is not null) overview.Add(("name", name));
        foreach (var key in new[] { "status", "stop_reason" })
            if (OptString(src, root, key) is { } s) overview.Add((key.Replace('_', ' '), s));
        foreach (var key in new[] { "epochs", "best_epoch", "seed", "parameters" })
            if (OptInteger(src, root, key) is long v) overview.Add((key.Replace('_', ' '), key == "parameters" ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture)));
        long? best = OptInteger(src, root, "best_epoch");

        var test = new List<(string, double)>();
        if (OptObject(src, root, "test") is { } t)
            foreach (var p in t.EnumerateObject())
                test.Add((p.Name, Number(src, p.Value, ["test", p.Name])));

        var timing = new List<(string, string)>();
        if (OptObject(src, root, "timing") is { } tm)
            foreach (var p in tm.EnumerateObject())
                timing.Add((p.Name.Replace('_', ' '), p.Value.ValueKind switch
                {
                    JsonValueKind.Number => Format(p.Value.GetDouble()),
                    JsonValueKind.String => p.Value.GetString()!,
                    _ => throw src.Error(["timing", p.Name], $"must be a number or a string, got {Kind(p.Value)}"),
                }));

        return model with
        {
            Name = name ?? model.Name,
            Overview = overview,
            BestEpoch = best,
            TestMetrics = test,
            Timing = timing,
            Model = ReadModelSummary(src, root, OptInteger(src, root, "parameters")),
            Confusion = ReadConfusion(src, root),
        };
    }

    private static ModelSummary? ReadModelSummary(JsonSource src, JsonElement root, long? total)
    {
        if (!root.TryGetProperty("model_summary", out var arr) || arr.ValueKind == JsonValueKind.Null) return null;
        if (arr.ValueKind != JsonValueKind.Array) throw src.Error(["model_summary"], $"must be an array of {{layer, output_shape, parameters}}, got {Kind(arr)}");
        var rows = new List<ModelSummaryRow>();
        int i = 0;
        foreach (var row in arr.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object) throw src.Error(["model_summary", i], $"must be an object, got {Kind(row)}");
            string layer = OptString(src, row, "layer", ["model_summary", i]) ?? "";
            string shape = "";
            if (row.TryGetProperty("output_shape", out var os))
            {
                shape = os.ValueKind switch
                {
                    JsonValueKind.String => os.GetString()!,
                    JsonValueKind.Array => "[" + string.Join(", ", os.EnumerateArray().Select(d => d.ToString())) + "]",
                    JsonValueKind.Null => "",
                    _ => throw src.Error(["model_summary", i, "output_shape"], $"must be a string or an array, got {Kind(os)}"),
                };
            }
            long p = OptInteger(src, row, "parameters", ["model_summary", i]) ?? 0;
            rows.Add(new ModelSummaryRow(layer, shape, p));
            i++;
        }
        return new ModelSummary(rows, total ?? rows.Sum(r => r.Parameters));
    }

    private static ConfusionMatrix? ReadConfusion(JsonSource src, JsonElement root)
    {
        if (!root.TryGetProperty("confusion_matrix", out var cm) || cm.ValueKind == JsonValueKind.Null) return null;
        if (cm.ValueKind != JsonValueKind.Array) throw src.Error(["confusion_matrix"], $"must be an array of rows, got {Kind(cm)}");
        int rows = cm.GetArrayLength();
        if (rows == 0) return null;
        int cols = -1;
        for (int r = 0; r < rows; r++)
        {
            var row = cm[r];
            if (row.ValueKind != JsonValueKind.Array) throw src.Error(["confusion_matrix", r], $"must be an array of counts, got {Kind(row)}");
            if (cols < 0) cols = row.GetArrayLength();
            else if (row.GetArrayLength() != cols) throw src.Error(["confusion_matrix", r], $"has {row.GetArrayLength()} counts, row 0 has {cols}");
        }
        var counts = new long[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                var v = cm[r][c];
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n) || n < 0)
                    throw src.Error(["confusion_matrix", r, c], $"must be a non-negative integer count, got {Text(v)}");
                counts[r, c] = n;
            }
        var names = new List<string>();
        if (root.TryGetProperty("class_names", out var cn) && cn.ValueKind != JsonValueKind.Null)
        {
            if (cn.ValueKind != JsonValueKind.Array) throw src.Error(["class_names"], $"must be an array of strings, got {Kind(cn)}");
            int k = 0;
            foreach (var e in cn.EnumerateArray())
            {
                names.Add(e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString()!,
                    JsonValueKind.Number => e.ToString(),
                    _ => throw src.Error(["class_names", k], $"must be a string, got {Kind(e)}"),
                });
                k++;
            }
            if (names.Count != Math.Max(rows, cols))
                throw src.Error(["class_names"], $"has {names.Count} names but confusion_matrix is {rows}×{cols}");
        }
        else
        {
            for (int k = 0; k < Math.Max(rows, cols); k++) names.Add(k.ToString(CultureInfo.InvariantCulture));
        }
        return new ConfusionMatrix(counts, names);
    }

    private static string? OptString(JsonSource src, JsonElement obj, string key, object[]? parent = null)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToString(),
            _ => throw src.Error([.. parent ?? [], key], $"must be a string, got {Kind(v)}"),
        };
    }

    private static long? OptInteger(JsonSource src, JsonElement obj, string key, object[]? parent = null)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)) return n;
        throw src.Error([.. parent ?? [], key], $"must be an integer, got {Text(v)}");
    }

    private static JsonElement? OptObject(JsonSource src, JsonElement obj, string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) throw src.Error([key], $"must be an object, got {Kind(v)}");
        return v;
    }

    private static double Number(JsonSource src, JsonElement v, object[] path)
    {
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        // NaN and ±Infinity have no JSON number form; writers that follow Python's json emit them as strings or bare tokens.
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        if (v.ValueKind == JsonValueKind.Null) return double.NaN;
        throw src.Error(path, $"must be a number, got {Text(v)}");
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "\"" + v.GetString() + "\"",
        JsonValueKind.Object or JsonValueKind.Array => Kind(v),
        _ => v.ToString(),
    };

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
