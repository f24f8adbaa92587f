namespace Descent.Optim.Schedules;

/// <summary>How OneCycleLR interpolates within a phase.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine: end + (start − end)·(1 + cos(π·pct))/2.</summary>
    Cos,

    /// <summary>Linear: start + (end − start)·pct.</summary>
    Linear,
}

/// <summary>
/// PyTorch's OneCycleLR (Smith &amp; Topin 2019, "super-convergence"): the rate rises from max_lr/div_factor to max_lr over
/// the first <see cref="PctStart"/> of <see cref="TotalSteps"/>, then anneals to initial/final_div_factor (with
/// <see cref="ThreePhase"/>: back down to the initial rate first, then to the minimum), while momentum moves the
/// opposite way between <see cref="MaxMomentum"/> and <see cref="BaseMomentum"/>. Step it once per batch.
/// </summary>
public sealed class OneCycleLR : ILrSchedule, IMomentumSchedule
{
    private readonly (double EndStep, int StartLr, int EndLr, double StartMomentum, double EndMomentum)[] _phases;

    /// <summary>
    /// Creates the schedule. <paramref name="maxLr"/> null uses each group's base learning rate as its max_lr.
    /// </summary>
    public OneCycleLR(double? maxLr, int totalSteps, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25,
        double finalDivFactor = 1e4, bool threePhase = false)
        : this(Options(maxLr, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase)
            with { TotalSteps = totalSteps })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/> (total_steps, or epochs × steps_per_epoch).</summary>
    public OneCycleLR(OneCycleLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        MaxLr = options.MaxLr;
        TotalSteps = options.TotalSteps ?? checked(options.Epochs!.Value * options.StepsPerEpoch!.Value);
        PctStart = options.PctStart;
        AnnealStrategy = options.AnnealStrategy;
        CyclesMomentum = options.CycleMomentum;
        BaseMomentum = options.BaseMomentum;
        MaxMomentum = options.MaxMomentum;
        DivFactor = options.DivFactor;
        FinalDivFactor = options.FinalDivFactor;
        ThreePhase = options.ThreePhase;

        // Lr levels: 0 = initial (max/div), 1 = max, 2 = min (initial/final_div). Phase end steps as in PyTorch.
        double up = PctStart * TotalSteps - 1;
        _phases = ThreePhase
            ? [(up, 0, 1, MaxMomentum, BaseMomentum), (2 * PctStart * TotalSteps - 2, 1, 0, BaseMomentum, MaxMomentum),
               (TotalSteps - 1, 0, 2, MaxMomentum, MaxMomentum)]
            : [(up, 0, 1, MaxMomentum, BaseMomentum), (TotalSteps - 1, 1, 2, BaseMomentum, MaxMomentum)];
    }

    /// <summary>Creates the schedule from epochs × steps per epoch (PyTorch's alternative to total_steps).</summary>
    public static OneCycleLR FromEpochs(double? maxLr, int epochs, int stepsPerEpoch, double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false) =>
        new(Options(maxLr, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase)
            with { Epochs = epochs, StepsPerEpoch = stepsPerEpoch });

    /// <summary>Peak learning rate, or null to use each group's base rate.</summary>
    public double? MaxLr { get; }

    /// <summary>Number of steps in the cycle; stepping past it is an error (as in PyTorch).</summary>
    public int TotalSteps { get; }

    /// <summary>Fraction of the cycle spent increasing the rate.</summary>
    public double PctStart { get; }

    /// <summary>Cosine or linear annealing.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <inheritdoc/>
    public bool CyclesMomentum { get; }

    /// <summary>Momentum at the peak learning rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the start and end of the cycle.</summary>
    public double MaxMomentum { get; }

    /// <summary>initial_lr = max_lr / div_factor.</summary>
    public double DivFactor { get; }

    /// <summary>min_lr = initial_lr / final_div_factor.</summary>
    public double FinalDivFactor { get; }

    /// <summary>Use the three-phase variant (fast.ai's original).</summary>
    public bool ThreePhase { get; }

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        double max = MaxLr ?? baseLr;
        double initial = max / DivFactor;
        double min = initial / FinalDivFactor;
        var (phase, pct) = Locate(step);
        double Level(int which) => which switch { 0 => initial, 1 => max, _ => min };
        return Anneal(Level(_phases[phase].StartLr), Level(_phases[phase].EndLr), pct);
    }

    /// <inheritdoc/>
    public double Momentum(int step)
    {
        var (phase, pct) = Locate(step);
        return Anneal(_phases[phase].StartMomentum, _phases[phase].EndMomentum, pct);
    }

    private (int Phase, double Pct) Locate(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
        if (step > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: tried to step {step} times; the specified number of total steps is {TotalSteps}.");
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            double end = _phases[i].EndStep;
            if (step <= end || i == _phases.Length - 1)
                return (i, (step - start) / (end - start));
            start = end;
        }
        throw new DescentInternalException($"OneCycleLR: step {step} of {TotalSteps} fell in no phase.");
    }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    private static OneCycleLROptions Options(double? maxLr, double pctStart, AnnealStrategy annealStrategy, bool cycleMomentum,
        double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor, bool threePhase) => new()
    {
        MaxLr = maxLr,
        PctStart = pctStart,
        AnnealStrategy = annealStrategy,
        CycleMomentum = cycleMomentum,
        BaseMomentum = baseMomentum,
        MaxMomentum = maxMomentum,
        DivFactor = divFactor,
        FinalDivFactor = finalDivFactor,
        ThreePhase = threePhase,
    };
}

/// <summary>
/// Options of <see cref="OneCycleLR"/> (PyTorch's defaults): give total_steps, or epochs and steps_per_epoch.
/// </summary>
public sealed record OneCycleLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableNumber<OneCycleLROptions>("max_lr", o => o.MaxLr, (o, v) => o.MaxLr = v, ValueRange.NonNegative),
        Hyperparameter.NullableInteger<OneCycleLROptions>("total_steps", o => o.TotalSteps, (o, v) => o.TotalSteps = v, ValueRange.PositiveInteger),
        Hyperparameter.NullableInteger<OneCycleLROptions>("epochs", o => o.Epochs, (o, v) => o.Epochs = v, ValueRange.PositiveInteger),
        Hyperparameter.NullableInteger<OneCycleLROptions>("steps_per_epoch", o => o.StepsPerEpoch, (o, v) => o.StepsPerEpoch = v, ValueRange.PositiveInteger),
        Hyperparameter.Number<OneCycleLROptions>("pct_start", o => o.PctStart, (o, v) => o.PctStart = v, ValueRange.ClosedUnit),
        Hyperparameter.Choice<OneCycleLROptions, AnnealStrategy>("anneal_strategy", o => o.AnnealStrategy, (o, v) => o.AnnealStrategy = v,
            (AnnealStrategy.Cos, "cos"), (AnnealStrategy.Linear, "linear")),
        Hyperparameter.Flag<OneCycleLROptions>("cycle_momentum", o => o.CycleMomentum, (o, v) => o.CycleMomentum = v),
        Hyperparameter.Number<OneCycleLROptions>("base_momentum", o => o.BaseMomentum, (o, v) => o.BaseMomentum = v, ValueRange.HalfOpenUnit),
        Hyperparameter.Number<OneCycleLROptions>("max_momentum", o => o.MaxMomentum, (o, v) => o.MaxMomentum = v, ValueRange.HalfOpenUnit),
        Hyperparameter.Number<OneCycleLROptions>("div_factor", o => o.DivFactor, (o, v) => o.DivFactor = v, ValueRange.Positive),
        Hyperparameter.Number<OneCycleLROptions>("final_div_factor", o => o.FinalDivFactor, (o, v) => o.FinalDivFactor = v, ValueRange.Positive),
        Hyperparameter.Flag<OneCycleLROptions>("three_phase", o => o.ThreePhase, (o, v) => o.ThreePhase = v));

    /// <inheritdoc/>
    public override string ScheduleName => "OneCycleLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Peak learning rate ≥ 0, or null to use each group's base rate.</summary>
    public double? MaxLr { get; set; }

    /// <summary>Steps in the cycle (or give <see cref="Epochs"/> and <see cref="StepsPerEpoch"/>).</summary>
    public int? TotalSteps { get; set; }

    /// <summary>Epochs, with <see cref="StepsPerEpoch"/>, when <see cref="TotalSteps"/> is null.</summary>
    public int? Epochs { get; set; }

    /// <summary>Steps per epoch, with <see cref="Epochs"/>, when <see cref="TotalSteps"/> is null.</summary>
    public int? StepsPerEpoch { get; set; }

    /// <summary>Fraction in [0, 1] of the cycle spent increasing the rate.</summary>
    public double PctStart { get; set; } = 0.3;

    /// <summary>Cosine or linear annealing.</summary>
    public AnnealStrategy AnnealStrategy { get; set; }

    /// <summary>Cycle momentum inversely to the rate.</summary>
    public bool CycleMomentum { get; set; } = true;

    /// <summary>Momentum in [0, 1) at the peak learning rate.</summary>
    public double BaseMomentum { get; set; } = 0.85;

    /// <summary>Momentum in [0, 1) at the start and end of the cycle.</summary>
    public double MaxMomentum { get; set; } = 0.95;

    /// <summary>initial_lr = max_lr / div_factor.</summary>
    public double DivFactor { get; set; } = 25;

    /// <summary>min_lr = initial_lr / final_div_factor.</summary>
    public double FinalDivFactor { get; set; } = 1e4;

    /// <summary>Use the three-phase variant (fast.ai's original).</summary>
    public bool ThreePhase { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (TotalSteps is null && (Epochs is null || StepsPerEpoch is null))
            throw new ArgumentException("OneCycleLR: you must define either total_steps or both epochs and steps_per_epoch.");
    }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new OneCycleLR(this);
}
