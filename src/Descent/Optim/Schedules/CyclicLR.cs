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
        : this(baseLr, maxLr, stepSizeUp, stepSizeDown, mode, gamma, null, scaleByCycle: true, cycleMomentum, baseMomentum, maxMomentum)
    {
    }

    /// <summary>
    /// Creates the schedule with a custom amplitude <paramref name="scaleFn"/> of the cycle number
    /// (<paramref name="scaleByCycle"/>) or of the step (PyTorch's scale_mode "iterations").
    /// </summary>
    public CyclicLR(double baseLr, double maxLr, Func<double, double> scaleFn, bool scaleByCycle, int stepSizeUp = 2000,
        int? stepSizeDown = null, bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9)
        : this(baseLr, maxLr, stepSizeUp, stepSizeDown, CyclicMode.Triangular, 1.0,
               scaleFn ?? throw new ArgumentNullException(nameof(scaleFn)), scaleByCycle, cycleMomentum, baseMomentum, maxMomentum)
    {
    }

    private CyclicLR(double baseLr, double maxLr, int stepSizeUp, int? stepSizeDown, CyclicMode mode, double gamma,
        Func<double, double>? scaleFn, bool scaleByCycle, bool cycleMomentum, double baseMomentum, double maxMomentum)
    {
        const string name = "CyclicLR";
        BaseLr = OptionChecks.NonNegative(name, "base_lr", baseLr);
        MaxLr = OptionChecks.NonNegative(name, "max_lr", maxLr);
        StepSizeUp = OptionChecks.PositiveInt(name, "step_size_up", stepSizeUp);
        StepSizeDown = stepSizeDown is int down ? OptionChecks.PositiveInt(name, "step_size_down", down) : stepSizeUp;
        Mode = mode;
        Gamma = OptionChecks.Positive(name, "gamma", gamma);
        _scaleFn = scaleFn;
        // Built-in modes fix the scale mode as PyTorch does: per cycle, except exp_range per iteration.
        ScaleByCycle = scaleFn is null ? mode != CyclicMode.ExpRange : scaleByCycle;
        CyclesMomentum = cycleMomentum;
        BaseMomentum = OptionChecks.HalfOpenUnit(name, "base_momentum", baseMomentum);
        MaxMomentum = OptionChecks.HalfOpenUnit(name, "max_momentum", maxMomentum);
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
}
