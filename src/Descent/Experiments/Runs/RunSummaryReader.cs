using System.Globalization;
using System.Text.Json;

namespace Descent.Experiments.Runs;

/// <summary>
/// Reads summary.json into a <see cref="RunSummary"/>. Every key is optional (a missing one reads as null or empty);
/// unknown keys are ignored (newer writers may add some); a value of the wrong type is an error naming the file, its
/// line and the key path, e.g. <c>summary.json line 3: "epochs" must be an integer, got "ten"</c>.
/// </summary>
internal static class RunSummaryReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Invalid JSON or a value of the wrong type (file, line and key).</exception>
    public static RunSummary Read(string path)
    {
        using var src = JsonSource.Load(path);
        var root = src.Root;
        if (root.ValueKind != JsonValueKind.Object) throw src.Error([], "must be an object");
        var confusion = ReadConfusion(src, root);
        return new RunSummary
        {
            Name = OptString(src, root, "name"),
            Status = OptString(src, root, "status"),
            StopReason = OptString(src, root, "stop_reason"),
            Monitor = OptString(src, root, "monitor"),
            Epochs = (int?)OptInteger(src, root, "epochs", int.MaxValue),
            BestEpoch = (int?)OptInteger(src, root, "best_epoch", int.MaxValue),
            Seed = OptInteger(src, root, "seed"),
            Parameters = OptInteger(src, root, "parameters"),
            ModelSummary = ReadModelSummary(src, root),
            Test = ReadTest(src, root),
            ConfusionMatrix = confusion,
            ClassNames = ReadClassNames(src, root, confusion),
            Timing = OptObject(src, root, "timing") is { } tm
                ? new RunTiming(OptNumber(src, tm, "seconds", "timing"), OptNumber(src, tm, "samples_per_sec", "timing"))
                : new RunTiming(null, null),
            Distillation = ReadDistillation(src, root),
        };
    }

    private static DistillationSummary? ReadDistillation(JsonSource src, JsonElement root)
    {
        if (OptObject(src, root, "distillation") is not { } d) return null;
        object[] at = ["distillation"];
        var models = new List<ComparedModel>();
        if (d.TryGetProperty("models", out var arr) && arr.ValueKind != JsonValueKind.Null)
        {
            if (arr.ValueKind != JsonValueKind.Array) throw src.Error([.. at, "models"], $"must be an array of models, got {Kind(arr)}");
            int i = 0;
            foreach (var m in arr.EnumerateArray())
            {
                object[] here = [.. at, "models", i++];
                if (m.ValueKind != JsonValueKind.Object) throw src.Error(here, $"must be an object, got {Kind(m)}");
                var role = OptString(src, m, "role", here) ?? throw src.Error(here, "needs a role (student, scratch or teacher)");
                models.Add(new ComparedModel(role, OptString(src, m, "run", here), OptInteger(src, m, "parameters", long.MaxValue, here),
                    OptNumber(src, m, "latency_ms", here), (int?)OptInteger(src, m, "latency_batch", int.MaxValue, here), ReadTest(src, m, here)));
            }
        }
        return new DistillationSummary(OptNumber(src, d, "temperature", at), OptNumber(src, d, "alpha", at), OptString(src, d, "teacher_logits", at), models);
    }

    private static Dictionary<string, double> ReadTest(JsonSource src, JsonElement obj, object[]? parent = null)
    {
        var test = new Dictionary<string, double>(StringComparer.Ordinal);
        if (OptObject(src, obj, "test", parent) is { } t)
            foreach (var p in t.EnumerateObject())
                if (!test.TryAdd(p.Name, Number(src, p.Value, [.. parent ?? [], "test", p.Name]))) throw src.Error([.. parent ?? [], "test", p.Name], "appears twice");
        return test;
    }

    private static List<LayerSummary> ReadModelSummary(JsonSource src, JsonElement root)
    {
        if (!root.TryGetProperty("model_summary", out var arr) || arr.ValueKind == JsonValueKind.Null) return [];
        if (arr.ValueKind != JsonValueKind.Array) throw src.Error(["model_summary"], $"must be an array of {{layer, output_shape, parameters}}, got {Kind(arr)}");
        var rows = new List<LayerSummary>();
        int i = 0;
        foreach (var row in arr.EnumerateArray())
        {
            object[] at = ["model_summary", i];
            if (row.ValueKind != JsonValueKind.Object) throw src.Error(at, $"must be an object, got {Kind(row)}");
            string layer = OptString(src, row, "layer", at) ?? "";
            int[] shape = [];
            if (row.TryGetProperty("output_shape", out var os) && os.ValueKind != JsonValueKind.Null)
                shape = ReadShape(src, os, [.. at, "output_shape"]);
            rows.Add(new LayerSummary(layer, shape, OptInteger(src, row, "parameters", long.MaxValue, at) ?? 0));
            i++;
        }
        return rows;
    }

    // An array of sizes, or (hand-made files) the same written as a string "[64, 256]".
    private static int[] ReadShape(JsonSource src, JsonElement os, object[] at)
    {
        if (os.ValueKind == JsonValueKind.Array)
            return os.EnumerateArray().Select((d, j) => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out int n)
                ? n : throw src.Error([.. at, j], $"must be an integer, got {Text(d)}")).ToArray();
        if (os.ValueKind == JsonValueKind.String)
        {
            var text = os.GetString()!.Trim();
            if (text.StartsWith('[') && text.EndsWith(']'))
            {
                var parts = text[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var sizes = new int[parts.Length];
                bool ok = true;
                for (int j = 0; j < parts.Length && ok; j++)
                    ok = int.TryParse(parts[j], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[j]);
                if (ok) return sizes;
            }
        }
        throw src.Error(at, $"must be an array of sizes such as [64, 256], got {Text(os)}");
    }

    private static long[][]? ReadConfusion(JsonSource src, JsonElement root)
    {
        if (!root.TryGetProperty("confusion_matrix", out var cm) || cm.ValueKind == JsonValueKind.Null) return null;
        if (cm.ValueKind != JsonValueKind.Array) throw src.Error(["confusion_matrix"], $"must be an array of rows, got {Kind(cm)}");
        int rows = cm.GetArrayLength(), cols = -1;
        var counts = new long[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = cm[r];
            if (row.ValueKind != JsonValueKind.Array) throw src.Error(["confusion_matrix", r], $"must be an array of counts, got {Kind(row)}");
            if (cols < 0) cols = row.GetArrayLength();
            else if (row.GetArrayLength() != cols) throw src.Error(["confusion_matrix", r], $"has {row.GetArrayLength()} counts, row 0 has {cols}");
        }
        for (int r = 0; r < rows; r++)
        {
            counts[r] = new long[cols];
            for (int c = 0; c < cols; c++)
            {
                var v = cm[r][c];
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n) || n < 0)
                    throw src.Error(["confusion_matrix", r, c], $"must be a non-negative integer count, got {Text(v)}");
                counts[r][c] = n;
            }
        }
        return counts;
    }

    /// <summary>Class names (numbers are taken as text); with a confusion matrix there must be one per class.</summary>
    private static List<string> ReadClassNames(JsonSource src, JsonElement root, long[][]? confusion)
    {
        if (!root.TryGetProperty("class_names", out var cn) || cn.ValueKind == JsonValueKind.Null) return [];
        if (cn.ValueKind != JsonValueKind.Array) throw src.Error(["class_names"], $"must be an array of strings, got {Kind(cn)}");
        var names = cn.EnumerateArray().Select((e, k) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number => e.ToString(),
            _ => throw src.Error(["class_names", k], $"must be a string, got {Kind(e)}"),
        }).ToList();
        // An empty list means "no names" (regression writers leave it empty): readers fall back to class ids.
        if (names.Count > 0 && confusion is { Length: > 0 } cm)
        {
            int classes = Math.Max(cm.Length, cm[0].Length);
            if (names.Count != classes)
                throw src.Error(["class_names"], $"has {names.Count} names but confusion_matrix is {cm.Length}×{cm[0].Length}");
        }
        return names;
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

    private static long? OptInteger(JsonSource src, JsonElement obj, string key, long max = long.MaxValue, object[]? parent = null)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n <= max && n >= -max) return n;
        throw src.Error([.. parent ?? [], key], $"must be an integer, got {Text(v)}");
    }

    private static double? OptNumber(JsonSource src, JsonElement obj, string key, string parent) => OptNumber(src, obj, key, [parent]);

    private static double? OptNumber(JsonSource src, JsonElement obj, string key, object[] parent)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Number(src, v, [.. parent, key]);
    }

    private static JsonElement? OptObject(JsonSource src, JsonElement obj, string key, object[]? parent = null)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) throw src.Error([.. parent ?? [], key], $"must be an object, got {Kind(v)}");
        return v;
    }

    private static double Number(JsonSource src, JsonElement v, object[] path)
    {
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        // NaN and ±Infinity have no JSON number form: the writer (and Python's json) emit them as strings.
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
}
