using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// Builds the pruner named in a study file: <c>pruner: hyperband</c> or
/// <c>pruner: {name: median, n_startup_trials: 5, n_warmup_steps: 2}</c>. Steps are epochs (trials report their
/// validation metric once per epoch), so resources are counted in epochs. Option names and defaults are Optuna's.
/// </summary>
public static class PrunerSpec
{
    /// <summary>The pruner names a study file may use.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["none", "median", "percentile", "successive_halving", "hyperband", "threshold", "patient", "pareto"];

    /// <summary>
    /// Creates the pruner under <paramref name="node"/> (null → none). <paramref name="maxEpochs"/> is Hyperband's
    /// default maximum resource (the experiment's epoch count).
    /// </summary>
    public static IPruner Create(ConfigNode? node, int maxEpochs)
    {
        if (node is null) return new NopPruner();
        string name;
        ConfigNode? o = null;
        if (node.IsScalar) name = node.AsChoice([.. Names]);
        else
        {
            o = node;
            name = node.Required("name").AsChoice([.. Names]);
        }
        IPruner pruner = name switch
        {
            "none" => new NopPruner(),
            "median" => new MedianPruner(Int(o, "n_startup_trials", 5), Int(o, "n_warmup_steps", 0),
                Int(o, "interval_steps", 1, min: 1), Int(o, "n_min_trials", 1, min: 1)),
            "percentile" => new PercentilePruner(o?.Required("percentile").AsDouble() ?? throw node.Error("percentile needs {name: percentile, percentile: P}"),
                Int(o, "n_startup_trials", 5), Int(o, "n_warmup_steps", 0), Int(o, "interval_steps", 1, min: 1), Int(o, "n_min_trials", 1, min: 1)),
            "successive_halving" => new SuccessiveHalvingPruner(o?.Get("min_resource")?.AsInt(),
                Int(o, "reduction_factor", 4, min: 2), Int(o, "min_early_stopping_rate", 0), Int(o, "bootstrap_count", 0)),
            "hyperband" => new HyperbandPruner(Int(o, "min_resource", 1, min: 1), o?.Get("max_resource")?.AsInt() ?? maxEpochs,
                Int(o, "reduction_factor", 3, min: 2), Int(o, "bootstrap_count", 0)),
            "threshold" => Threshold(node, o),
            "patient" => Patient(node, o, maxEpochs),
            "pareto" => new ParetoPruner(o?.Double("quantile", 0.5) ?? 0.5, Int(o, "n_startup_trials", 5), Int(o, "n_warmup_steps", 0),
                Int(o, "interval_steps", 1, min: 1), Int(o, "n_min_trials", 1, min: 1)),
            _ => throw node.Error($"unknown pruner '{name}'"),
        };
        o?.RejectUnknownKeys();
        return pruner;
    }

    private static ThresholdPruner Threshold(ConfigNode node, ConfigNode? o)
    {
        double? lower = o?.Get("lower")?.AsDouble(), upper = o?.Get("upper")?.AsDouble();
        if (lower is null && upper is null) throw node.Error("threshold needs lower and/or upper");
        return new ThresholdPruner(lower, upper, Int(o, "n_warmup_steps", 0), Int(o, "interval_steps", 1, min: 1));
    }

    private static PatientPruner Patient(ConfigNode node, ConfigNode? o, int maxEpochs)
    {
        if (o is null) throw node.Error("patient needs {name: patient, patience: N}");
        var wrapped = o.Get("wrapped") is { } w ? Create(w, maxEpochs) : null;
        int patience = o.Required("patience").AsInt();
        if (patience < 0) throw o.Required("patience").Error($"must not be negative, got {patience}");
        return new PatientPruner(wrapped is NopPruner ? null : wrapped, patience, o.Double("min_delta", 0.0));
    }

    private static int Int(ConfigNode? o, string key, int fallback, int min = 0)
    {
        if (o?.Get(key) is not { } n) return fallback;
        int v = n.AsInt();
        return v >= min ? v : throw n.Error($"must be at least {min}, got {v}");
    }
}
