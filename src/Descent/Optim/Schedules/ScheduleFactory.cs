using System.Collections;

namespace Descent.Optim.Schedules;

/// <summary>
/// Builds schedules from PyTorch's scheduler class names (plus Keras' ExponentialDecay and the textbook formulas) and
/// hyperparameters by PyTorch name, as configuration files and fixtures give them. Unknown names and unknown
/// hyperparameters are errors.
/// </summary>
public static class ScheduleFactory
{
    /// <summary>The schedule names understood by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "Constant", "ConstantLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts", "LinearLR", "PolynomialLR", "OneCycleLR", "CyclicLR", "SequentialLR",
        "ChainedScheduler", "KerasExponentialDecay", "ContinuousExponentialDecay", "CosineFormula",
    ];

    /// <summary>Creates schedule <paramref name="name"/> from <paramref name="hyperparameters"/>.</summary>
    public static ILrSchedule Create(string name, IReadOnlyDictionary<string, object?>? hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(name);
        var r = new HyperparameterReader(name, hyperparameters);
        ILrSchedule schedule = name switch
        {
            "Constant" => new ConstantSchedule(),
            "ConstantLR" => new ConstantLR(r.Double("factor", 1.0 / 3), r.Int("total_iters", 5)),
            "StepLR" => new StepLR(r.Int("step_size"), r.Double("gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(r.Ints("milestones"), r.Double("gamma", 0.1)),
            "ExponentialLR" => new ExponentialLR(r.Double("gamma")),
            "CosineAnnealingLR" => new CosineAnnealingLR(r.Int("T_max"), r.Double("eta_min", 0)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(r.Int("T_0"), r.Int("T_mult", 1), r.Double("eta_min", 0)),
            "LinearLR" => new LinearLR(r.Double("start_factor", 1.0 / 3), r.Double("end_factor", 1.0), r.Int("total_iters", 5)),
            "PolynomialLR" => new PolynomialLR(r.Int("total_iters", 5), r.Double("power", 1.0)),
            "OneCycleLR" => OneCycle(r),
            "CyclicLR" => Cyclic(r),
            "SequentialLR" => new SequentialLR(SubSchedules(r, "schedulers"), r.Ints("milestones")),
            "ChainedScheduler" => new ChainedScheduler(SubSchedules(r, "schedulers")),
            "KerasExponentialDecay" or "ExponentialDecay" => WithInitial(r, "initial_learning_rate",
                new KerasExponentialDecay(r.Int("decay_steps"), r.Double("decay_rate"), r.Bool("staircase", false))),
            "ContinuousExponentialDecay" => WithInitial(r, "lr0", new ContinuousExponentialDecay(r.Double("k"))),
            "CosineFormula" => WithInitial(r, "lr0", new CosineAnnealingLR(r.Int("T"), 0)),
            "ReduceLROnPlateau" => throw new ArgumentException(
                "ReduceLROnPlateau depends on a metric, not only on the step: create it with ScheduleFactory.CreatePlateau.", nameof(name)),
            _ => throw new ArgumentException($"Unknown schedule '{name}' (known: {string.Join(", ", Names)}, ReduceLROnPlateau).", nameof(name)),
        };
        r.EnsureAllUsed();
        return schedule;
    }

    /// <summary>Creates a ReduceLROnPlateau over <paramref name="optimizer"/> from <paramref name="hyperparameters"/>.</summary>
    public static ReduceLROnPlateau CreatePlateau(Optimizer optimizer, IReadOnlyDictionary<string, object?>? hyperparameters)
    {
        var r = new HyperparameterReader("ReduceLROnPlateau", hyperparameters);
        var mode = r.Text("mode", "min") switch
        {
            "min" => PlateauMode.Min,
            "max" => PlateauMode.Max,
            var other => throw r.Invalid("mode", other, "\"min\" or \"max\""),
        };
        double factor = r.Double("factor", 0.1);
        int patience = r.Int("patience", 10);
        double threshold = r.Double("threshold", 1e-4);
        var thresholdMode = r.Text("threshold_mode", "rel") switch
        {
            "rel" => ThresholdMode.Rel,
            "abs" => ThresholdMode.Abs,
            var other => throw r.Invalid("threshold_mode", other, "\"rel\" or \"abs\""),
        };
        int cooldown = r.Int("cooldown", 0);
        var minLr = r.Raw("min_lr");
        double[]? minLrs = minLr is null ? null : minLr is IEnumerable and not string
            ? OptionValues.ToDoubles("ReduceLROnPlateau", "min_lr", minLr)
            : [OptionValues.ToDouble("ReduceLROnPlateau", "min_lr", minLr)];
        double eps = r.Double("eps", 1e-8);
        r.EnsureAllUsed();
        return new ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, minLrs, eps);
    }

    private static OneCycleLR OneCycle(HyperparameterReader r)
    {
        double? maxLr = r.NullableDouble("max_lr");
        int? total = r.NullableInt("total_steps");
        int? epochs = r.NullableInt("epochs");
        int? perEpoch = r.NullableInt("steps_per_epoch");
        double pct = r.Double("pct_start", 0.3);
        var anneal = r.Text("anneal_strategy", "cos") switch
        {
            "cos" => AnnealStrategy.Cos,
            "linear" => AnnealStrategy.Linear,
            var other => throw r.Invalid("anneal_strategy", other, "\"cos\" or \"linear\""),
        };
        bool cycle = r.Bool("cycle_momentum", true);
        double baseM = r.Double("base_momentum", 0.85), maxM = r.Double("max_momentum", 0.95);
        double div = r.Double("div_factor", 25), finalDiv = r.Double("final_div_factor", 1e4);
        bool three = r.Bool("three_phase", false);
        if (total is int t)
            return new OneCycleLR(maxLr, t, pct, anneal, cycle, baseM, maxM, div, finalDiv, three);
        if (epochs is int e && perEpoch is int s)
            return OneCycleLR.FromEpochs(maxLr, e, s, pct, anneal, cycle, baseM, maxM, div, finalDiv, three);
        throw new ArgumentException("OneCycleLR: you must define either total_steps or both epochs and steps_per_epoch.");
    }

    private static CyclicLR Cyclic(HyperparameterReader r)
    {
        double baseLr = r.Double("base_lr"), maxLr = r.Double("max_lr");
        int up = r.Int("step_size_up", 2000);
        int? down = r.NullableInt("step_size_down");
        var mode = r.Text("mode", "triangular") switch
        {
            "triangular" => CyclicMode.Triangular,
            "triangular2" => CyclicMode.Triangular2,
            "exp_range" => CyclicMode.ExpRange,
            var other => throw r.Invalid("mode", other, "\"triangular\", \"triangular2\" or \"exp_range\""),
        };
        double gamma = r.Double("gamma", 1.0);
        if (r.Raw("scale_fn") is { } fn)
            throw r.Invalid("scale_fn", fn, "null here (pass a Func<double, double> to the CyclicLR constructor)");
        // PyTorch ignores scale_mode unless scale_fn is given; it is still validated.
        if (r.Text("scale_mode", "cycle") is not ("cycle" or "iterations") and var sm)
            throw r.Invalid("scale_mode", sm, "\"cycle\" or \"iterations\"");
        bool cycle = r.Bool("cycle_momentum", true);
        double baseM = r.Double("base_momentum", 0.8), maxM = r.Double("max_momentum", 0.9);
        return new CyclicLR(baseLr, maxLr, up, down, mode, gamma, cycle, baseM, maxM);
    }

    private static List<ILrSchedule> SubSchedules(HyperparameterReader r, string name)
    {
        var list = new List<ILrSchedule>();
        if (r.Raw(name) is not IEnumerable items || items is string)
            throw r.Invalid(name, r.Raw(name), "a list of {\"scheduler\", \"hyperparams\"} objects");
        foreach (var item in items)
        {
            if (item is not IReadOnlyDictionary<string, object?> spec)
                throw r.Invalid(name, item, "a {\"scheduler\", \"hyperparams\"} object");
            var sub = new HyperparameterReader(name, spec);
            string subName = sub.Text("scheduler", "");
            var hp = sub.Raw("hyperparams") as IReadOnlyDictionary<string, object?>;
            sub.EnsureAllUsed();
            list.Add(Create(subName, hp));
        }
        return list;
    }

    private static ILrSchedule WithInitial(HyperparameterReader r, string key, ILrSchedule schedule) =>
        r.NullableDouble(key) is double lr0 ? new InitialLrSchedule(lr0, schedule) : schedule;
}
