using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>Reads the <c>pruning:</c> section of an experiment file (errors name file:line and the key).</summary>
internal static class PruningSectionReader
{
    /// <summary>Criteria of unstructured pruning during training (global magnitude ranking).</summary>
    public static readonly string[] UnstructuredMethods = ["l1"];

    /// <summary>Criteria of structured pruning during training.</summary>
    public static readonly string[] StructuredMethods = ["l1", "l2", "bn_scale", "random"];

    public static PruningConfig? Read(ConfigNode? node)
    {
        if (node is null) return null;
        bool structured = node.Bool("structured", false);
        var methods = structured ? StructuredMethods : UnstructuredMethods;
        var schedule = node.Choice("schedule", "polynomial", "polynomial", "constant");
        var config = new PruningConfig
        {
            Structured = structured,
            Method = node.Choice("method", "l1", [.. StructuredMethods, "taylor"]),
            TargetSparsity = Double(node, "target_sparsity", 0.5, 0, 1, maxExclusive: true),
            InitialSparsity = Double(node, "initial_sparsity", 0, 0, 1, maxExclusive: true, only: schedule == "polynomial" ? null : "the polynomial schedule"),
            Schedule = schedule,
            BeginStep = Int(node, "begin_step", 0),
            EndStep = Int(node, "end_step", -1),
            Power = Double(node, "power", 3, double.Epsilon, double.MaxValue, only: schedule == "polynomial" ? null : "the polynomial schedule"),
            Frequency = Int(node, "frequency", 100),
            Ignore = node.Get("ignore") is { } ignore ? (ignore.IsSequence ? ignore.Items() : [ignore]).Select(i => i.Text.Trim()).ToList() : [],
            Rewind = Int(node, "rewind", -1),
        };
        if (!methods.Contains(config.Method))
            throw node.Get("method")!.Error(config.Method == "taylor"
                ? "taylor importance needs calibration batches; during training use l1, l2, bn_scale or random (descent prune offers taylor)"
                : $"'{config.Method}' ranks channels; with structured: false the weights are ranked by global l1 magnitude (use method: l1, or structured: true)");
        if (structured)
            throw node.Get("structured")!.Error("structured pruning during training is not offered yet (it needs the optimizer rebuilt mid-run); prune a trained run with descent prune --structured, or use structured: false");
        if (config.BeginStep < 0) throw node.Get("begin_step")!.Error($"must be at least 0, got {config.BeginStep}");
        if (config.Frequency < 1) throw node.Get("frequency")!.Error($"must be at least 1, got {config.Frequency}");
        if (schedule == "polynomial" && config.EndStep <= config.BeginStep)
            throw (node.Get("end_step") ?? node).Error($"the polynomial schedule needs an end_step after begin_step {config.BeginStep}");
        if (schedule == "constant" && config.EndStep != -1 && config.EndStep < config.BeginStep)
            throw node.Get("end_step")!.Error($"must be -1 (to the end) or at least begin_step {config.BeginStep}, got {config.EndStep}");
        if (config.InitialSparsity > config.TargetSparsity)
            throw node.Get("initial_sparsity")!.Error($"must not exceed target_sparsity {config.TargetSparsity}");
        if (config.Rewind < -1) throw node.Get("rewind")!.Error($"must be -1 (off) or a step of 0 or more, got {config.Rewind}");
        if (config.Rewind >= 0 && structured)
            throw node.Get("rewind")!.Error("rewinding resets the surviving weights of a masked model; it needs structured: false");
        node.RejectUnknownKeys();
        return config;
    }
}
