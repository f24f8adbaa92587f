using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Descent.Experiments;

/// <summary>
/// Reads a located <see cref="ConfigNode"/> tree into an <see cref="ExperimentConfig"/>. Every unknown key, wrong
/// type and bad value is reported as <c>file:line:column: key: message</c>; nothing is silently ignored.
/// </summary>
internal static class ExperimentConfigReader
{
    public static ExperimentConfig Read(ConfigNode root)
    {
        string baseDir = File.Exists(root.File) ? Path.GetDirectoryName(Path.GetFullPath(root.File))! : Directory.GetCurrentDirectory();
        var name = root.Get("name");
        string runName = name?.Text.Trim() ?? "experiment";
        if (name is not null && (runName.Length == 0 || runName.IndexOfAny(['/', '\\', ':']) >= 0 || runName is "." or ".."))
            throw name.Error($"'{runName}' cannot name a run directory (use letters, digits, '-', '_', '.')");
        var data = DataSectionReader.Read(root.Get("data"), baseDir);
        var config = new ExperimentConfig
        {
            Name = runName,
            Seed = Long(root.Get("seed"), 0),
            Epochs = Int(root, "epochs", 1, min: 1),
            Data = data,
            Model = ModelSectionReader.Read(root.Get("model"), baseDir),
            Loss = ReadLoss(root.Get("loss")),
            Optimizer = OptimSectionReader.ReadOptimizer(root.Get("optimizer")),
            Schedule = OptimSectionReader.ReadSchedule(root.Get("schedule"), data.Validation > 0),
            Regularization = ReadRegularization(root.Get("regularization")),
            Callbacks = ReadCallbacks(root.Get("callbacks"), data.Validation > 0),
            Distillation = DistillationSectionReader.Read(root.Get("distillation"), baseDir, data),
            Pruning = PruningSectionReader.Read(root.Get("pruning")),
            Metrics = ReadMetrics(root.Get("metrics")),
            DataParallel = Int(root, "data_parallel", 1, min: 1, max: 64),
            Threads = Int(root, "threads", 0, min: 0, max: 1024),
        };
        root.RejectUnknownKeys();
        return config;
    }

    /// <summary>Loss names understood.</summary>
    public static readonly string[] LossNames = ["auto", "cross_entropy", "nll", "mse", "l1", "smooth_l1", "huber", "bce", "bce_with_logits"];

    private static LossConfig ReadLoss(ConfigNode? node)
    {
        if (node is null) return new LossConfig();
        if (node.IsScalar) return new LossConfig { Name = node.AsChoice(LossNames) };
        string name = node.Choice("name", "auto", LossNames);
        var loss = new LossConfig
        {
            Name = name,
            LabelSmoothing = Double(node, "label_smoothing", 0, 0, 1, only: name is "cross_entropy" or "auto" ? null : "cross_entropy"),
            Beta = Double(node, "beta", 1.0, 0, double.MaxValue, only: name == "smooth_l1" ? null : "smooth_l1"),
            Delta = Double(node, "delta", 1.0, double.Epsilon, double.MaxValue, only: name == "huber" ? null : "huber"),
        };
        node.RejectUnknownKeys();
        return loss;
    }

    private static RegularizationConfig ReadRegularization(ConfigNode? node)
    {
        if (node is null) return new RegularizationConfig();
        var r = new RegularizationConfig
        {
            L1 = Double(node, "l1", 0, 0, double.MaxValue),
            L2 = Double(node, "l2", 0, 0, double.MaxValue),
            ClipNorm = Double(node, "clip_norm", 0, 0, double.MaxValue),
            ClipValue = Double(node, "clip_value", 0, 0, double.MaxValue),
            NanGuard = node.Choice("nan_guard", "stop", "stop", "skip", "off"),
        };
        node.RejectUnknownKeys();
        return r;
    }

    private static CallbacksConfig ReadCallbacks(ConfigNode? node, bool hasValidation)
    {
        string monitor = hasValidation ? "val_loss" : "loss";
        if (node is null) return new CallbacksConfig { Checkpoint = new CheckpointConfig { Monitor = monitor } };
        EarlyStoppingConfig? early = null;
        if (node.Get("early_stopping") is { } es)
        {
            if (es.IsScalar && !es.AsBool()) early = null;
            else if (es.IsScalar) early = new EarlyStoppingConfig { Monitor = monitor };
            else
            {
                early = new EarlyStoppingConfig
                {
                    Monitor = Monitor(es, monitor, hasValidation),
                    Mode = es.Choice("mode", "auto", "auto", "min", "max"),
                    Patience = Int(es, "patience", 0, min: 0),
                    MinDelta = Double(es, "min_delta", 0, 0, double.MaxValue),
                    RestoreBestWeights = es.Bool("restore_best_weights", false),
                };
                es.RejectUnknownKeys();
            }
        }
        var checkpoint = new CheckpointConfig { Monitor = monitor };
        if (node.Get("checkpoint") is { } ck)
        {
            checkpoint = new CheckpointConfig
            {
                Best = ck.Bool("best", true),
                Last = ck.Bool("last", true),
                Monitor = Monitor(ck, monitor, hasValidation),
                Mode = ck.Choice("mode", "auto", "auto", "min", "max"),
                EverySteps = Int(ck, "every_steps", 0, min: 0),
            };
            ck.RejectUnknownKeys();
        }
        node.RejectUnknownKeys();
        return new CallbacksConfig { EarlyStopping = early, Checkpoint = checkpoint };
    }

    /// <summary>A monitored metric: loss, accuracy, ... with an optional val_ prefix (which needs a validation split).</summary>
    internal static string Monitor(ConfigNode map, string fallback, bool hasValidation)
    {
        var node = map.Get("monitor");
        if (node is null) return fallback;
        var m = node.Text.Trim();
        if (m.Length == 0) throw node.Error("the metric name is empty");
        if (m.StartsWith("val_", StringComparison.Ordinal) && !hasValidation)
            throw node.Error($"'{m}' needs a validation split (set data.validation, e.g. 0.1) or monitor '{m[4..]}'");
        return m;
    }

    private static IReadOnlyList<string> ReadMetrics(ConfigNode? node)
    {
        if (node is null) return [];
        var items = node.IsSequence ? node.Items() : [node];
        var names = new List<string>();
        foreach (var item in items)
        {
            var t = item.Text.Trim().ToLowerInvariant();
            bool topK = t.StartsWith("top", StringComparison.Ordinal) && t.EndsWith("_accuracy", StringComparison.Ordinal)
                && int.TryParse(t[3..^"_accuracy".Length], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1;
            if (!topK && t is not ("accuracy" or "mae" or "rmse" or "r2"))
                throw item.Error($"unknown metric '{item.Text}' (known: accuracy, topK_accuracy such as top5_accuracy, mae, rmse, r2)");
            names.Add(t);
        }
        return names;
    }

    // ---- shared value helpers ----

    internal static int Int(ConfigNode map, string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var node = map.Get(key);
        if (node is null) return fallback;
        int v = node.AsInt();
        if (v < min || v > max)
            throw node.Error(max == int.MaxValue ? $"must be at least {min}, got {v}" : $"must be in {min}..{max}, got {v}");
        return v;
    }

    internal static double Double(ConfigNode map, string key, double fallback, double min, double max, bool maxExclusive = false, string? only = null)
    {
        var node = map.Get(key);
        if (node is null) return fallback;
        if (only is not null) throw node.Error($"'{key}' applies to {only} only");
        double v = node.AsDouble();
        if (double.IsNaN(v) || v < min || v > max || (maxExclusive && v == max))
            throw node.Error($"must be in {(min == double.Epsilon ? "(0" : $"[{Fmt(min)}")}, {(max == double.MaxValue ? "∞)" : $"{Fmt(max)}{(maxExclusive ? ")" : "]")}")}, got {Fmt(v)}");
        return v;
    }

    internal static long Long(ConfigNode? node, long fallback)
    {
        if (node is null) return fallback;
        return long.TryParse(node.Text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v : throw node.Error($"expected an integer, got '{node.Text}'");
    }

    internal static string? Text(ConfigNode map, string key)
    {
        var node = map.Get(key);
        if (node is null) return null;
        var t = node.Text.Trim();
        return t.Length == 0 ? throw node.Error("must not be empty") : t;
    }

    internal static IReadOnlyList<string> Strings(ConfigNode map, string key)
    {
        var node = map.Get(key);
        if (node is null) return [];
        return node.IsSequence ? node.Items().Select(i => i.Text).ToList() : [node.Text];
    }

    internal static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A YAML value as plain CLR data for the optimizer and schedule factories: numbers as double, booleans, strings,
    /// lists and string-keyed dictionaries (quoted scalars stay strings).
    /// </summary>
    internal static object? Plain(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } s => s.Value ?? "",
        YamlScalarNode { Value: null or "~" or "null" } => null,
        YamlScalarNode s when s.Value is "true" or "True" or "false" or "False" => bool.Parse(s.Value),
        YamlScalarNode s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => seq.Children.Select(Plain).ToList(),
        YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Plain(kv.Value), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>Where <paramref name="node"/> is, as errors print it: <c>file:line:column: key</c>.</summary>
    internal static string Location(ConfigNode node) => $"{node.File}:{node.Node.Start.Line}:{node.Node.Start.Column}: {node.Path}";
}
