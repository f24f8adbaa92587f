namespace Descent.Optim.Schedules;

/// <summary>
/// Keras' <c>ExponentialDecay</c>: lr = lr₀·rate^(t/decay_steps), or rate^⌊t/decay_steps⌋ with <see cref="Staircase"/>.
/// lr₀ is the group's base rate (wrap in <see cref="InitialLrSchedule"/> to fix it, as Keras' initial_learning_rate).
/// </summary>
public sealed class KerasExponentialDecay : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public KerasExponentialDecay(int decaySteps, double decayRate, bool staircase = false)
        : this(new KerasExponentialDecayOptions { DecaySteps = decaySteps, DecayRate = decayRate, Staircase = staircase })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/> (their initial_learning_rate is not applied here).</summary>
    public KerasExponentialDecay(KerasExponentialDecayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        DecaySteps = options.DecaySteps!.Value;
        DecayRate = options.DecayRate!.Value;
        Staircase = options.Staircase;
    }

    /// <summary>Steps per factor of <see cref="DecayRate"/>.</summary>
    public int DecaySteps { get; }

    /// <summary>Factor applied every <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; }

    /// <summary>Decay in whole steps of <see cref="DecaySteps"/> (integer division) instead of continuously.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        double p = Staircase ? Math.Floor((double)step / DecaySteps) : (double)step / DecaySteps;
        return Math.Pow(DecayRate, p);
    }
}

/// <summary>Options of <see cref="KerasExponentialDecay"/> (Keras' names and defaults; decay_steps and decay_rate are required).</summary>
public sealed record KerasExponentialDecayOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableNumber<KerasExponentialDecayOptions>("initial_learning_rate", o => o.InitialLearningRate, (o, v) => o.InitialLearningRate = v, ValueRange.NonNegative),
        Hyperparameter.NullableInteger<KerasExponentialDecayOptions>("decay_steps", o => o.DecaySteps, (o, v) => o.DecaySteps = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.NullableNumber<KerasExponentialDecayOptions>("decay_rate", o => o.DecayRate, (o, v) => o.DecayRate = v, ValueRange.Positive, required: true),
        Hyperparameter.Flag<KerasExponentialDecayOptions>("staircase", o => o.Staircase, (o, v) => o.Staircase = v));

    /// <inheritdoc/>
    public override string ScheduleName => "KerasExponentialDecay";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Steps per factor of <see cref="DecayRate"/> (required).</summary>
    public int? DecaySteps { get; set; }

    /// <summary>Factor &gt; 0 applied every <see cref="DecaySteps"/> steps (required).</summary>
    public double? DecayRate { get; set; }

    /// <summary>Decay in whole steps of <see cref="DecaySteps"/>.</summary>
    public bool Staircase { get; set; }

    /// <summary>Keras' initial_learning_rate: a fixed lr₀ instead of the group's base rate (null: the base rate).</summary>
    public double? InitialLearningRate { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => InitialLrSchedule.Wrap(InitialLearningRate, new KerasExponentialDecay(this));
}

/// <summary>The textbooks' continuous exponential decay lr(t) = lr₀·e^(−kt).</summary>
public sealed class ContinuousExponentialDecay : FactorSchedule
{
    /// <summary>Creates the schedule with decay constant <paramref name="k"/> ≥ 0.</summary>
    public ContinuousExponentialDecay(double k) : this(new ContinuousExponentialDecayOptions { K = k })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/> (their lr0 is not applied here).</summary>
    public ContinuousExponentialDecay(ContinuousExponentialDecayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        K = options.K!.Value;
    }

    /// <summary>Decay constant k.</summary>
    public double K { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Exp(-K * step);
    }
}

/// <summary>Options of <see cref="ContinuousExponentialDecay"/> (k is required).</summary>
public sealed record ContinuousExponentialDecayOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableNumber<ContinuousExponentialDecayOptions>("k", o => o.K, (o, v) => o.K = v, ValueRange.NonNegative, required: true),
        Hyperparameter.NullableNumber<ContinuousExponentialDecayOptions>("lr0", o => o.Lr0, (o, v) => o.Lr0 = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "ContinuousExponentialDecay";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Decay constant k ≥ 0 (required).</summary>
    public double? K { get; set; }

    /// <summary>A fixed lr₀ instead of the group's base rate (null: the base rate).</summary>
    public double? Lr0 { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => InitialLrSchedule.Wrap(Lr0, new ContinuousExponentialDecay(this));
}

/// <summary>
/// PyTorch's LinearLR: the factor moves linearly from <see cref="StartFactor"/> to <see cref="EndFactor"/> over
/// <see cref="TotalIters"/> steps, then stays (a linear warmup with the defaults end = 1).
/// </summary>
public sealed class LinearLR : FactorSchedule
{
    /// <summary>Creates the schedule (start_factor in (0, 1], end_factor in [0, 1]).</summary>
    public LinearLR(double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
        : this(new LinearLROptions { StartFactor = startFactor, EndFactor = endFactor, TotalIters = totalIters })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public LinearLR(LinearLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        StartFactor = options.StartFactor;
        EndFactor = options.EndFactor;
        TotalIters = options.TotalIters;
    }

    /// <summary>Factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>Factor from <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Length of the ramp in steps.</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, step) / TotalIters;
    }
}

/// <summary>Options of <see cref="LinearLR"/> (PyTorch's defaults).</summary>
public sealed record LinearLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Number<LinearLROptions>("start_factor", o => o.StartFactor, (o, v) => o.StartFactor = v, ValueRange.PositiveUnit),
        Hyperparameter.Number<LinearLROptions>("end_factor", o => o.EndFactor, (o, v) => o.EndFactor = v, ValueRange.ClosedUnit),
        Hyperparameter.Integer<LinearLROptions>("total_iters", o => o.TotalIters, (o, v) => o.TotalIters = v, ValueRange.PositiveInteger));

    /// <inheritdoc/>
    public override string ScheduleName => "LinearLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Factor in (0, 1] at step 0.</summary>
    public double StartFactor { get; set; } = 1.0 / 3;

    /// <summary>Factor in [0, 1] from <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; set; } = 1.0;

    /// <summary>Length of the ramp in steps.</summary>
    public int TotalIters { get; set; } = 5;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new LinearLR(this);
}

/// <summary>PyTorch's PolynomialLR: lr = lr₀·(1 − min(t, T)/T)^power, zero from T on.</summary>
public sealed class PolynomialLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public PolynomialLR(int totalIters = 5, double power = 1.0) : this(new PolynomialLROptions { TotalIters = totalIters, Power = power })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public PolynomialLR(PolynomialLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TotalIters = options.TotalIters;
        Power = options.Power;
    }

    /// <summary>Steps until the rate reaches zero.</summary>
    public int TotalIters { get; }

    /// <summary>Exponent of the decay.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Pow(1 - (double)Math.Min(TotalIters, step) / TotalIters, Power);
    }
}

/// <summary>Options of <see cref="PolynomialLR"/> (PyTorch's defaults).</summary>
public sealed record PolynomialLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Integer<PolynomialLROptions>("total_iters", o => o.TotalIters, (o, v) => o.TotalIters = v, ValueRange.PositiveInteger),
        Hyperparameter.Number<PolynomialLROptions>("power", o => o.Power, (o, v) => o.Power = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "PolynomialLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Steps until the rate reaches zero.</summary>
    public int TotalIters { get; set; } = 5;

    /// <summary>Exponent ≥ 0 of the decay.</summary>
    public double Power { get; set; } = 1.0;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new PolynomialLR(this);
}
