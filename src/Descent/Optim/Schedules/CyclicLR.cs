namespace Descent.Optim.Schedules;

/// <summary>The amplitude policy of <see cref="CyclicLR"/>.</summary>
public enum CyclicMode
{
    /// <summary>Constant amplitude.</summary>
    Triangular,

    /// <summary>Amplitude halved every cycle.</summary>
    Triangular2,

    /// <summary>Amplitude scaled by γ^iteration.</summary>
    ExpRange,
}

/// <summary>
/// PyTorch's CyclicLR (Smith 2017, "Cyclical Learning Rates"): the rate moves between <see cref="BaseLr"/> and
/// <see cref="MaxLr"/> in triangles of <see cref="StepSizeUp"/> + <see cref="StepSizeDown"/> steps, the amplitude shrinking
/// per <see cref="Mode"/> (or a custom scale function), and momentum moving inversely. Step it once per batch.
/// </summary>
public sealed class CyclicLR : ILrSchedule, IMomentumSchedule
{
    private readonly Func<double, double>? _scaleFn;

    /// <summary>Creates the schedule with a built-in <paramref name="mode"/>.</summary>
    public CyclicLR(double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, bool cycleMomentum = true,
        double baseMomentum = 0.8, double maxMomentum = 0.9)
        : this(Options(baseLr, maxLr, stepSizeUp, stepSizeDown, mode, gamma, cycleMomentum, baseMomentum, maxMomentum), null, scaleByCycle: true)
    {
    }

    /// <summary>
    /// Creates the schedule with a custom amplitude <paramref name="scaleFn"/> of the cycle number
    /// (<paramref name="scaleByCycle"/>) or of the step (PyTorch's scale_mode "iterations").
    /// </summary>
    public CyclicLR(double baseLr, double maxLr, Func<double, double> scaleFn, bool scaleByCycle, int stepSizeUp = 2000,
        int? stepSizeDown = null, bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9)
        : this(Options(baseLr, maxLr, stepSizeUp, stepSizeDown, CyclicMode.Triangular, 1.0, cycleMomentum, baseMomentum, maxMomentum),
               scaleFn ?? throw new ArgumentNullException(nameof(scaleFn)), scaleByCycle)
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/> (a built-in mode).</summary>
    public CyclicLR(CyclicLROptions options) : this(options, null, scaleByCycle: true)
    {
    }

    private CyclicLR(CyclicLROptions options, Func<double, double>? scaleFn, bool scaleByCycle)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BaseLr = options.BaseLr!.Value;
        MaxLr = options.MaxLr!.Value;
        StepSizeUp = options.StepSizeUp;
        StepSizeDown = options.StepSizeDown ?? options.StepSizeUp;
        Mode = options.Mode;
        Gamma = options.Gamma;
        _scaleFn = scaleFn;
        // Built-in modes fix the scale mode as PyTorch does: per cycle, except exp_range per iteration.
        ScaleByCycle = scaleFn is null ? Mode != CyclicMode.ExpRange : scaleByCycle;
        CyclesMomentum = options.CycleMomentum;
        BaseMomentum = options.BaseMomentum;
        MaxMomentum = options.MaxMomentum;
    }

    /// <summary>Lower learning-rate bound (absolute; the group's own rate is overwritten, as in PyTorch).</summary>
    public double BaseLr { get; }

    /// <summary>Upper learning-rate bound of the first cycle.</summary>
    public double MaxLr { get; }

    /// <summary>Steps of the increasing half.</summary>
    public int StepSizeUp { get; }

    /// <summary>Steps of the decreasing half.</summary>
    public int StepSizeDown { get; }

    /// <summary>Amplitude policy (ignored with a custom scale function).</summary>
    public CyclicMode Mode { get; }

    /// <summary>γ of <see cref="CyclicMode.ExpRange"/>.</summary>
    public double Gamma { get; }

    /// <summary>True when the scale function takes the cycle number, false when it takes the step.</summary>
    public bool ScaleByCycle { get; }

    /// <inheritdoc/>
    public bool CyclesMomentum { get; }

    /// <summary>Momentum at the peak learning rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the base learning rate.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        var (scaleFactor, scale) = Position(step);
        return BaseLr + (MaxLr - BaseLr) * scaleFactor * scale;
    }

    /// <inheritdoc/>
    public double Momentum(int step)
    {
        var (scaleFactor, scale) = Position(step);
        return MaxMomentum - (MaxMomentum - BaseMomentum) * scaleFactor * scale;
    }

    private (double ScaleFactor, double Scale) Position(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
        double totalSize = (double)StepSizeUp + StepSizeDown;
        double stepRatio = StepSizeUp / totalSize;
        double cycle = Math.Floor(1 + step / totalSize);
        double x = 1.0 + step / totalSize - cycle;
        double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        double arg = ScaleByCycle ? cycle : step;
        double scale = _scaleFn is { } f ? f(arg) : Mode switch
        {
            CyclicMode.Triangular => 1.0,
            CyclicMode.Triangular2 => 1 / Math.Pow(2.0, arg - 1),
            _ => Math.Pow(Gamma, arg),
        };
        return (scaleFactor, scale);
    }

    private static CyclicLROptions Options(double baseLr, double maxLr, int stepSizeUp, int? stepSizeDown, CyclicMode mode,
        double gamma, bool cycleMomentum, double baseMomentum, double maxMomentum) => new()
    {
        BaseLr = baseLr,
        MaxLr = maxLr,
        StepSizeUp = stepSizeUp,
        StepSizeDown = stepSizeDown,
        Mode = mode,
        Gamma = gamma,
        CycleMomentum = cycleMomentum,
        BaseMomentum = baseMomentum,
        MaxMomentum = maxMomentum,
    };
}

/// <summary>Options of <see cref="CyclicLR"/> (PyTorch's defaults; base_lr and max_lr are required).</summary>
public sealed record CyclicLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableNumber<CyclicLROptions>("base_lr", o => o.BaseLr, (o, v) => o.BaseLr = v, ValueRange.NonNegative, required: true),
        Hyperparameter.NullableNumber<CyclicLROptions>("max_lr", o => o.MaxLr, (o, v) => o.MaxLr = v, ValueRange.NonNegative, required: true),
        Hyperparameter.Integer<CyclicLROptions>("step_size_up", o => o.StepSizeUp, (o, v) => o.StepSizeUp = v, ValueRange.PositiveInteger),
        Hyperparameter.NullableInteger<CyclicLROptions>("step_size_down", o => o.StepSizeDown, (o, v) => o.StepSizeDown = v, ValueRange.PositiveInteger),
        Hyperparameter.Choice<CyclicLROptions, CyclicMode>("mode", o => o.Mode, (o, v) => o.Mode = v,
            (CyclicMode.Triangular, "triangular"), (CyclicMode.Triangular2, "triangular2"), (CyclicMode.ExpRange, "exp_range")),
        Hyperparameter.Number<CyclicLROptions>("gamma", o => o.Gamma, (o, v) => o.Gamma = v, ValueRange.Positive),
        Hyperparameter.NullOnly<CyclicLROptions>("scale_fn", "pass a Func<double, double> to the CyclicLR constructor"),
        // PyTorch ignores scale_mode unless scale_fn is given; it is still validated.
        Hyperparameter.Choice<CyclicLROptions, string>("scale_mode", o => o.ScaleMode, (o, v) => o.ScaleMode = v,
            ("cycle", "cycle"), ("iterations", "iterations")),
        Hyperparameter.Flag<CyclicLROptions>("cycle_momentum", o => o.CycleMomentum, (o, v) => o.CycleMomentum = v),
        Hyperparameter.Number<CyclicLROptions>("base_momentum", o => o.BaseMomentum, (o, v) => o.BaseMomentum = v, ValueRange.HalfOpenUnit),
        Hyperparameter.Number<CyclicLROptions>("max_momentum", o => o.MaxMomentum, (o, v) => o.MaxMomentum = v, ValueRange.HalfOpenUnit));

    /// <inheritdoc/>
    public override string ScheduleName => "CyclicLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Lower learning-rate bound ≥ 0 (required).</summary>
    public double? BaseLr { get; set; }

    /// <summary>Upper learning-rate bound ≥ 0 of the first cycle (required).</summary>
    public double? MaxLr { get; set; }

    /// <summary>Steps of the increasing half.</summary>
    public int StepSizeUp { get; set; } = 2000;

    /// <summary>Steps of the decreasing half (null: <see cref="StepSizeUp"/>).</summary>
    public int? StepSizeDown { get; set; }

    /// <summary>Amplitude policy.</summary>
    public CyclicMode Mode { get; set; }

    /// <summary>γ &gt; 0 of <see cref="CyclicMode.ExpRange"/>.</summary>
    public double Gamma { get; set; } = 1.0;

    /// <summary>PyTorch's scale_mode ("cycle" or "iterations"), which only applies to a custom scale function.</summary>
    public string ScaleMode { get; set; } = "cycle";

    /// <summary>Cycle momentum inversely to the rate.</summary>
    public bool CycleMomentum { get; set; } = true;

    /// <summary>Momentum in [0, 1) at the peak learning rate.</summary>
    public double BaseMomentum { get; set; } = 0.8;

    /// <summary>Momentum in [0, 1) at the base learning rate.</summary>
    public double MaxMomentum { get; set; } = 0.9;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new CyclicLR(this);
}
