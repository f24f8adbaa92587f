using Descent.Compression.Distillation;
using Descent.NN;
using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>Reads the <c>distillation:</c> section of an experiment file.</summary>
internal static class DistillationSectionReader
{
    /// <summary>Values of <c>teacher_logits</c>.</summary>
    public static readonly string[] TeacherLogitsModes = ["auto", "precomputed", "on_the_fly"];

    public static DistillationConfig? Read(ConfigNode? node, string baseDir, DataConfig data)
    {
        if (node is null) return null;
        var teacherNode = node.Required("teacher");
        var teachers = (teacherNode.IsSequence ? teacherNode.Items() : [teacherNode]).Select(t =>
        {
            var text = t.Text.Trim();
            if (text.Length == 0) throw t.Error("a teacher is a run directory or checkpoint file, got an empty value");
            return Path.GetFullPath(Path.Combine(baseDir, text));
        }).ToList();
        if (teachers.Count == 0) throw teacherNode.Error("name at least one teacher run or checkpoint");
        if (node.Get("reduction") is { } reduction && reduction.Text.Trim() != "batchmean")
            throw reduction.Error($"reduction '{reduction.Text.Trim()}' is not offered: {HintonDistillationLoss.ReductionRule}");
        var config = new DistillationConfig
        {
            Teachers = teachers,
            Temperature = Double(node, "temperature", 4, double.Epsilon, double.MaxValue),
            Alpha = Double(node, "alpha", 0.1, 0, 1),
            Hints = ReadHints(node.Get("hints")),
            HintWeight = Double(node, "hint_weight", 1, 0, double.MaxValue),
            TeacherLogits = node.Choice("teacher_logits", "auto", TeacherLogitsModes),
            Scratch = node.Bool("scratch", true),
        };
        if (config.Hints.Count > 0 && config.TeacherLogits == "precomputed")
            throw node.Get("teacher_logits")!.Error("hints need the teacher's intermediate features of every batch, so its logits cannot be precomputed (use auto or on_the_fly)");
        if (config.TeacherLogits == "precomputed" && (data.Augmentation.RandomCrop > 0 || data.Augmentation.HFlip > 0))
            throw node.Get("teacher_logits")!.Error("precomputed logits need the same features every epoch, but data.augmentation changes them; use auto or on_the_fly (the teacher then sees each augmented batch)");
        node.RejectUnknownKeys();
        return config;
    }

    private static List<HintPair> ReadHints(ConfigNode? node)
    {
        if (node is null) return [];
        var hints = new List<HintPair>();
        foreach (var item in node.IsSequence ? node.Items() : [node])
        {
            try
            {
                hints.Add(HintPair.Parse(item.Text));
            }
            catch (FormatException e)
            {
                throw item.Error(e.Message);
            }
        }
        return hints;
    }
}
