
using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>Reads the <c>data:</c> section of an experiment file.</summary>
internal static class DataSectionReader
{
    public static DataConfig Read(ConfigNode? node, string baseDir)
    {
        if (node is null) return new DataConfig();
        if (node.IsScalar) return new DataConfig { Dataset = node.AsChoice("fashion-mnist", "csv", "synthetic") };
        string dataset = node.Choice("dataset", "fashion-mnist", "fashion-mnist", "csv", "synthetic");
        var sourceNode = node.Get("source");
        string source = sourceNode?.AsChoice("auto", "full", "embedded") ?? "auto";
        if (sourceNode is not null && dataset != "fashion-mnist") throw sourceNode.Error("'source' applies to dataset fashion-mnist only");
        var dirNode = node.Get("dir");
        string? dir = dirNode is null ? null : Path.GetFullPath(Path.Combine(baseDir, dirNode.Text.Trim()));
        if (dirNode is not null && dataset != "fashion-mnist") throw dirNode.Error("'dir' applies to dataset fashion-mnist only");
        var config = new DataConfig
        {
            Dataset = dataset,
            Source = source,
            Dir = dir,
            BatchSize = Int(node, "batch_size", 32, min: 1),
            Shuffle = node.Bool("shuffle", true),
            DropLast = node.Bool("drop_last", false),
            Validation = Double(node, "validation", 0, 0, 1, maxExclusive: true),
            Stratify = node.Bool("stratify", true),
            TestFraction = Double(node, "test_fraction", 0.2, double.Epsilon, 1, maxExclusive: true),
            TrainSamples = Int(node, "train_samples", 0, min: 0),
            TestSamples = Int(node, "test_samples", 0, min: 0),
            Normalize = node.Bool("normalize", false),
            Augmentation = ReadAugmentation(node.Get("augmentation")),
            Csv = ReadCsv(node.Get("csv"), dataset, baseDir),
            Synthetic = ReadSynthetic(node.Get("synthetic"), dataset),
        };
        if (dataset == "csv" && config.Csv.Path is null)
            throw node.Error("dataset csv needs csv: {path: FILE, target: COLUMN}");
        node.RejectUnknownKeys();
        return config;
    }

    private static AugmentationConfig ReadAugmentation(ConfigNode? node)
    {
        if (node is null) return new AugmentationConfig();
        int crop = 0;
        if (node.Get("random_crop") is { } rc)
        {
            if (rc.IsScalar) crop = rc.AsInt();
            else
            {
                crop = Int(rc, "padding", 4, min: 0);
                rc.RejectUnknownKeys();
            }
            if (crop < 0) throw rc.Error($"the padding must be ≥ 0, got {crop}");
        }
        double flip = 0;
        if (node.Get("hflip") is { } hf)
        {
            var t = hf.Text.Trim().ToLowerInvariant();
            flip = t is "true" or "yes" or "on" ? 0.5 : t is "false" or "no" or "off" ? 0 : hf.AsDouble();
            if (!(flip >= 0 && flip <= 1)) throw hf.Error($"expected true, false or a probability in [0, 1], got '{hf.Text}'");
        }
        node.RejectUnknownKeys();
        return new AugmentationConfig { RandomCrop = crop, HFlip = flip };
    }

    private static CsvDataConfig ReadCsv(ConfigNode? node, string dataset, string baseDir)
    {
        if (node is null) return new CsvDataConfig();
        if (dataset != "csv") throw node.Error("'csv' applies to dataset csv only");
        var pathNode = node.Required("path");
        var testNode = node.Get("test");
        var config = new CsvDataConfig
        {
            Path = Path.GetFullPath(Path.Combine(baseDir, pathNode.Text.Trim())),
            Test = testNode is null ? null : Path.GetFullPath(Path.Combine(baseDir, testNode.Text.Trim())),
            Target = Text(node, "target") ?? throw node.Error("missing required key 'target' (the target column's name)"),
            Task = node.Choice("task", "auto", "auto", "classification", "regression"),
            Classes = Strings(node, "classes"),
            Ignore = Strings(node, "ignore"),
            Missing = node.Choice("missing", "error", "error", "drop", "fill"),
        };
        if (config.Classes.Count > 0)
        {
            var classesNode = node.Get("classes")!;
            if (config.Task == "regression") throw classesNode.Error("declared classes need task classification or auto, not regression");
            if (config.Classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw classesNode.Error($"the class '{twice.Key}' is listed twice");
        }
        node.RejectUnknownKeys();
        return config;
    }

    private static SyntheticConfig ReadSynthetic(ConfigNode? node, string dataset)
    {
        if (node is null) return new SyntheticConfig();
        if (dataset != "synthetic") throw node.Error("'synthetic' applies to dataset synthetic only");
        if (node.IsScalar) return new SyntheticConfig { Kind = node.AsChoice("linear", "blobs", "spirals", "xor") };
        var config = new SyntheticConfig
        {
            Kind = node.Choice("kind", "blobs", "linear", "blobs", "spirals", "xor"),
            Samples = Int(node, "samples", 1000, min: 10),
            Noise = Double(node, "noise", 0.1, 0, double.MaxValue),
            Classes = Int(node, "classes", 3, min: 2, max: 1000),
            Features = Int(node, "features", 2, min: 1, max: 100_000),
        };
        node.RejectUnknownKeys();
        return config;
    }
}
