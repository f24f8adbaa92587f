using System.Collections;
using System.Globalization;
using System.Text;

namespace Descent.Experiments;

/// <summary>
/// Writes an <see cref="ExperimentConfig"/> as YAML with every value spelled out (the run directory's
/// <c>config.yaml</c>); <see cref="ExperimentConfig.Parse"/> reads it back to the same experiment.
/// </summary>
internal static class ExperimentConfigWriter
{
    public static string Write(ExperimentConfig c)
    {
        var sb = new StringBuilder();
        Line(sb, 0, "name", Str(c.Name));
        Line(sb, 0, "seed", c.Seed.ToString(CultureInfo.InvariantCulture));
        Line(sb, 0, "epochs", Int(c.Epochs));

        var d = c.Data;
        sb.AppendLine("data:");
        Line(sb, 1, "dataset", d.Dataset);
        if (d.Dataset == "fashion-mnist")
        {
            Line(sb, 1, "source", d.Source);
            if (d.Dir is not null) Line(sb, 1, "dir", Str(d.Dir));
        }
        Line(sb, 1, "batch_size", Int(d.BatchSize));
        Line(sb, 1, "shuffle", Bool(d.Shuffle));
        Line(sb, 1, "drop_last", Bool(d.DropLast));
        Line(sb, 1, "validation", Num(d.Validation));
        Line(sb, 1, "stratify", Bool(d.Stratify));
        Line(sb, 1, "test_fraction", Num(d.TestFraction));
        Line(sb, 1, "train_samples", Int(d.TrainSamples));
        Line(sb, 1, "test_samples", Int(d.TestSamples));
        Line(sb, 1, "normalize", Bool(d.Normalize));
        sb.AppendLine("  augmentation:");
        Line(sb, 2, "random_crop", Int(d.Augmentation.RandomCrop));
        Line(sb, 2, "hflip", Num(d.Augmentation.HFlip));
        if (d.Dataset == "csv")
        {
            sb.AppendLine("  csv:");
            Line(sb, 2, "path", Str(d.Csv.Path ?? ""));
            if (d.Csv.Test is not null) Line(sb, 2, "test", Str(d.Csv.Test));
            Line(sb, 2, "target", Str(d.Csv.Target ?? ""));
            Line(sb, 2, "task", d.Csv.Task);
            Line(sb, 2, "ignore", Value(d.Csv.Ignore.ToList()));
            Line(sb, 2, "missing", d.Csv.Missing);
        }
        if (d.Dataset == "synthetic")
        {
            sb.AppendLine("  synthetic:");
            Line(sb, 2, "kind", d.Synthetic.Kind);
            Line(sb, 2, "samples", Int(d.Synthetic.Samples));
            Line(sb, 2, "noise", Num(d.Synthetic.Noise));
            Line(sb, 2, "classes", Int(d.Synthetic.Classes));
            Line(sb, 2, "features", Int(d.Synthetic.Features));
        }

        var m = c.Model;
        sb.AppendLine("model:");
        if (m.Onnx is { } onnx) Line(sb, 1, "onnx", Str(onnx));
        else if (m.Layers is { } layers)
        {
            sb.AppendLine("  layers:");
            WriteLayers(sb, 2, layers);
        }
        else
        {
            Line(sb, 1, "preset", m.Preset ?? "mlp");
            if (m.Hidden is { } hidden) Line(sb, 1, "hidden", Value(hidden.Select(h => (object?)(double)h).ToList()));
            if (m.Preset is not ("lenet5" or "resnet-small")) Line(sb, 1, "dropout", Num(m.Dropout));
        }
        Line(sb, 1, "dtype", m.DType);

        var l = c.Loss;
        sb.AppendLine("loss:");
        Line(sb, 1, "name", l.Name);
        if (l.Name is "cross_entropy" or "auto") Line(sb, 1, "label_smoothing", Num(l.LabelSmoothing));
        if (l.Name == "smooth_l1") Line(sb, 1, "beta", Num(l.Beta));
        if (l.Name == "huber") Line(sb, 1, "delta", Num(l.Delta));

        sb.AppendLine("optimizer:");
        Line(sb, 1, "name", c.Optimizer.Name);
        foreach (var (k, v) in c.Optimizer.Options.ToDictionary()) Line(sb, 1, k, Value(v));

        if (c.Schedule is { } s)
        {
            sb.AppendLine("schedule:");
            Line(sb, 1, "name", s.Name);
            Line(sb, 1, "per", s.Per);
            if (s.Name == "ReduceLROnPlateau") Line(sb, 1, "monitor", Str(s.Monitor));
            // Only what the file gave: defaults of schedules are not spelled out.
            foreach (var (k, v) in s.Options.GivenToDictionary()) Line(sb, 1, k, Value(v));
        }

        var r = c.Regularization;
        sb.AppendLine("regularization:");
        Line(sb, 1, "l1", Num(r.L1));
        Line(sb, 1, "l2", Num(r.L2));
        Line(sb, 1, "clip_norm", Num(r.ClipNorm));
        Line(sb, 1, "clip_value", Num(r.ClipValue));
        Line(sb, 1, "nan_guard", r.NanGuard);

        sb.AppendLine("callbacks:");
        if (c.Callbacks.EarlyStopping is { } es)
        {
            sb.AppendLine("  early_stopping:");
            Line(sb, 2, "monitor", Str(es.Monitor));
            Line(sb, 2, "mode", es.Mode);
            Line(sb, 2, "patience", Int(es.Patience));
            Line(sb, 2, "min_delta", Num(es.MinDelta));
            Line(sb, 2, "restore_best_weights", Bool(es.RestoreBestWeights));
        }
        else Line(sb, 1, "early_stopping", "false");
        var ck = c.Callbacks.Checkpoint;
        sb.AppendLine("  checkpoint:");
        Line(sb, 2, "best", Bool(ck.Best));
        Line(sb, 2, "last", Bool(ck.Last));
        Line(sb, 2, "monitor", Str(ck.Monitor));
        Line(sb, 2, "mode", ck.Mode);
        Line(sb, 2, "every_steps", Int(ck.EverySteps));

        if (c.Distillation is { } kd)
        {
            sb.AppendLine("distillation:");
            Line(sb, 1, "teacher", Value(kd.Teachers.ToList()));
            Line(sb, 1, "temperature", Num(kd.Temperature));
            Line(sb, 1, "alpha", Num(kd.Alpha));
            Line(sb, 1, "reduction", "batchmean");
            Line(sb, 1, "hints", Value(kd.Hints.Select(h => h.ToString()).ToList()));
            Line(sb, 1, "hint_weight", Num(kd.HintWeight));
            Line(sb, 1, "teacher_logits", kd.TeacherLogits);
            Line(sb, 1, "scratch", Bool(kd.Scratch));
        }

        if (c.Pruning is { } pr)
        {
            sb.AppendLine("pruning:");
            Line(sb, 1, "method", pr.Method);
            Line(sb, 1, "structured", Bool(pr.Structured));
            Line(sb, 1, "target_sparsity", Num(pr.TargetSparsity));
            if (pr.Schedule == "polynomial") Line(sb, 1, "initial_sparsity", Num(pr.InitialSparsity));
            Line(sb, 1, "schedule", pr.Schedule);
            Line(sb, 1, "begin_step", pr.BeginStep.ToString(CultureInfo.InvariantCulture));
            Line(sb, 1, "end_step", pr.EndStep.ToString(CultureInfo.InvariantCulture));
            if (pr.Schedule == "polynomial") Line(sb, 1, "power", Num(pr.Power));
            Line(sb, 1, "frequency", pr.Frequency.ToString(CultureInfo.InvariantCulture));
            Line(sb, 1, "ignore", Value(pr.Ignore.ToList()));
            Line(sb, 1, "rewind", pr.Rewind.ToString(CultureInfo.InvariantCulture));
        }

        Line(sb, 0, "metrics", Value(c.Metrics.ToList()));
        Line(sb, 0, "data_parallel", Int(c.DataParallel));
        Line(sb, 0, "threads", Int(c.Threads));
        return sb.ToString();
    }

    /// <summary>One list item per layer at <paramref name="indent"/>; a residual's own layers are nested under it.</summary>
    private static void WriteLayers(StringBuilder sb, int indent, IReadOnlyList<LayerSpec> layers)
    {
        foreach (var layer in layers)
        {
            sb.Append(' ', indent * 2).Append("- ");
            if (layer.Type != "residual")
            {
                sb.AppendLine(LayerFlow(layer));
                continue;
            }
            sb.AppendLine("residual:");
            Line(sb, indent + 2, "shortcut", layer.Shortcut ?? "auto");
            Line(sb, indent + 2, "activation", layer.Activation is not { } a ? "none" : a.Options.Count == 0 ? a.Type : $"{{{LayerFlow(a)}}}");
            sb.Append(' ', (indent + 2) * 2).AppendLine("layers:");
            WriteLayers(sb, indent + 3, layer.Body ?? []);
        }
    }

    /// <summary>A layer without nested layers as a list item's text: <c>relu</c>, <c>conv2d: {out: 16, kernel: 3}</c>.</summary>
    private static string LayerFlow(LayerSpec layer)
    {
        if (layer.Options.Count == 0) return layer.Type;
        var def = LayerCatalog.Types[layer.Type];
        var parts = def.Options.Where(o => layer.Options.ContainsKey(o.Name))
            .Select(o => $"{o.Name}: {(o.IsBool ? Bool(layer.Options[o.Name] != 0) : Num(layer.Options[o.Name]))}");
        return $"{layer.Type}: {{{string.Join(", ", parts)}}}";
    }

    private static void Line(StringBuilder sb, int indent, string key, string value) =>
        sb.Append(' ', indent * 2).Append(key).Append(": ").AppendLine(value);

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool v) => v ? "true" : "false";

    internal static string Num(double v) => double.IsPositiveInfinity(v) ? ".inf" : double.IsNegativeInfinity(v) ? "-.inf"
        : double.IsNaN(v) ? ".nan" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A YAML scalar for a string: plain when unambiguous, else double-quoted.</summary>
    internal static string Str(string s)
    {
        bool plain = s.Length > 0 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])
            && s.IndexOfAny([':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`']) < 0
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && s is not ("true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~" or "True" or "False" or "-")
            && !s.StartsWith("- ", StringComparison.Ordinal) && !s.StartsWith('?');
        if (plain) return s;
        return "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A plain value (number, bool, string, list, map, null) in YAML flow style.</summary>
    internal static string Value(object? v) => v switch
    {
        null => "null",
        bool b => Bool(b),
        string s => Str(s),
        double x => Num(x),
        float x => Num(x),
        int x => Int(x),
        long x => x.ToString(CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Str(k.ToString()!)}: {Value(map[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Value)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Str(v.ToString() ?? ""),
    };
}
