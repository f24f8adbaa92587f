namespace Descent.Optim.Schedules;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> watches a metric that should go down or up.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> measures a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 ∓ threshold).</summary>
    Rel,

    /// <summary>Absolute: better than best ∓ threshold.</summary>
    Abs,
}

/// <summary>
/// PyTorch's ReduceLROnPlateau, the one stateful schedule: after more than <see cref="Patience"/> steps without a
/// significant improvement of the watched metric, every group's rate is multiplied by <see cref="Factor"/> (not below
/// its minimum), then <see cref="Cooldown"/> steps are ignored. Call <see cref="Step"/> with the metric, usually once
/// per epoch after validation.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;

    /// <summary>Creates the scheduler with PyTorch's defaults.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0,
        IReadOnlyList<double>? minLrs = null, double eps = 1e-8)
        : this(optimizer, new ReduceLROnPlateauOptions
        {
            Mode = mode,
            Factor = factor,
            Patience = patience,
            Threshold = threshold,
            ThresholdMode = thresholdMode,
            Cooldown = cooldown,
            MinLr = minLrs,
            Eps = eps,
        })
    {
    }

    /// <summary>Creates the scheduler over <paramref name="optimizer"/> from validated <paramref name="options"/>.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, ReduceLROnPlateauOptions options)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Mode = options.Mode;
        Factor = options.Factor;
        Patience = options.Patience;
        Threshold = options.Threshold;
        ThresholdMode = options.ThresholdMode;
        Cooldown = options.Cooldown;
        Eps = options.Eps;
        int groups = optimizer.ParamGroups.Count;
        var minLrs = options.MinLr;
        _minLrs = minLrs is null ? new double[groups]
            : minLrs.Count == 1 ? Enumerable.Repeat(minLrs[0], groups).ToArray()
            : minLrs.Count == groups ? [.. minLrs]
            : throw new ArgumentException($"ReduceLROnPlateau: expected 1 or {groups} min_lr values, got {minLrs.Count}.", nameof(options));
        Best = WorstValue;
    }

    /// <summary>The optimizer whose rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Min or max mode.</summary>
    public PlateauMode Mode { get; }

    /// <summary>Multiplier in (0, 1) applied on a plateau.</summary>
    public double Factor { get; }

    /// <summary>Steps without improvement tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Size of a significant improvement.</summary>
    public double Threshold { get; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Steps to wait after a reduction before counting bad steps again.</summary>
    public int Cooldown { get; }

    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; }

    /// <summary>Minimum rate per group.</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>Best metric value seen.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive steps without significant improvement.</summary>
    public int NumBadSteps { get; private set; }

    /// <summary>Remaining cooldown steps.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int LastStep { get; private set; }

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records <paramref name="metric"/> and reduces the rates when the plateau has lasted long enough.</summary>
    public void Step(double metric)
    {
        LastStep++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadSteps = 0;
        }
        else
        {
            NumBadSteps++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadSteps = 0;
        }
        if (NumBadSteps > Patience)
        {
            Reduce();
            CooldownCounter = Cooldown;
            NumBadSteps = 0;
        }
    }

    /// <summary>The scheduler's state as plain data.</summary>
    public Dictionary<string, object?> StateDict() => new(StringComparer.Ordinal)
    {
        ["best"] = Best,
        ["num_bad_epochs"] = (double)NumBadSteps,
        ["cooldown_counter"] = (double)CooldownCounter,
        ["last_epoch"] = (double)LastStep,
    };

    /// <summary>Restores a state saved by <see cref="StateDict"/>.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        const string where = "ReduceLROnPlateau.LoadStateDict";
        foreach (var key in state.Keys)
            if (key is not ("best" or "num_bad_epochs" or "cooldown_counter" or "last_epoch"))
                throw new ArgumentException($"{where}: unexpected entry '{key}'.", nameof(state));
        double best = OptionValues.ToDouble(where, "best", state.GetValueOrDefault("best"));
        int bad = OptionValues.ToInt(where, "num_bad_epochs", state.GetValueOrDefault("num_bad_epochs"));
        int cooldown = OptionValues.ToInt(where, "cooldown_counter", state.GetValueOrDefault("cooldown_counter"));
        int last = OptionValues.ToInt(where, "last_epoch", state.GetValueOrDefault("last_epoch"));
        (Best, NumBadSteps, CooldownCounter, LastStep) = (best, bad, cooldown, last);
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1),
        _ => a > best + Threshold,
    };

    private void Reduce()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count && i < _minLrs.Length; i++)
        {
            double old = groups[i].Lr;
            double next = Math.Max(old * Factor, _minLrs[i]);
            if (old - next > Eps) groups[i].Lr = next;
        }
    }
}

/// <summary>Options of <see cref="ReduceLROnPlateau"/> (PyTorch's defaults), configurable without an optimizer.</summary>
public sealed record ReduceLROnPlateauOptions : ScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Choice<ReduceLROnPlateauOptions, PlateauMode>("mode", o => o.Mode, (o, v) => o.Mode = v,
            (PlateauMode.Min, "min"), (PlateauMode.Max, "max")),
        Hyperparameter.Number<ReduceLROnPlateauOptions>("factor", o => o.Factor, (o, v) => o.Factor = v, ValueRange.OpenUnit),
        Hyperparameter.Integer<ReduceLROnPlateauOptions>("patience", o => o.Patience, (o, v) => o.Patience = v, ValueRange.NonNegativeInteger),
        Hyperparameter.Number<ReduceLROnPlateauOptions>("threshold", o => o.Threshold, (o, v) => o.Threshold = v, ValueRange.NonNegative),
        Hyperparameter.Choice<ReduceLROnPlateauOptions, ThresholdMode>("threshold_mode", o => o.ThresholdMode, (o, v) => o.ThresholdMode = v,
            (ThresholdMode.Rel, "rel"), (ThresholdMode.Abs, "abs")),
        Hyperparameter.Integer<ReduceLROnPlateauOptions>("cooldown", o => o.Cooldown, (o, v) => o.Cooldown = v, ValueRange.NonNegativeInteger),
        Hyperparameter.NumberOrList<ReduceLROnPlateauOptions>("min_lr", o => o.MinLr, (o, v) => o.MinLr = v, ValueRange.NonNegative),
        Hyperparameter.Number<ReduceLROnPlateauOptions>("eps", o => o.Eps, (o, v) => o.Eps = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "ReduceLROnPlateau";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Min or max mode.</summary>
    public PlateauMode Mode { get; set; }

    /// <summary>Multiplier in (0, 1) applied on a plateau.</summary>
    public double Factor { get; set; } = 0.1;

    /// <summary>Steps (≥ 0) without improvement tolerated before reducing.</summary>
    public int Patience { get; set; } = 10;

    /// <summary>Size (≥ 0) of a significant improvement.</summary>
    public double Threshold { get; set; } = 1e-4;

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; set; }

    /// <summary>Steps (≥ 0) to wait after a reduction before counting bad steps again.</summary>
    public int Cooldown { get; set; }

    /// <summary>Minimum rate (≥ 0): one for every group, or one per group; null: 0.</summary>
    public IReadOnlyList<double>? MinLr { get; set; }

    /// <summary>Reductions smaller than this (≥ 0) are skipped.</summary>
    public double Eps { get; set; } = 1e-8;
}
