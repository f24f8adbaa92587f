namespace Descent.Optim.Schedules;

/// <summary>The base learning rate at every step.</summary>
public sealed class ConstantSchedule : FactorSchedule
{
    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return 1;
    }
}

/// <summary>Options of <see cref="ConstantSchedule"/> (none).</summary>
public sealed record ConstantScheduleOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new();

    /// <inheritdoc/>
    public override string ScheduleName => "Constant";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new ConstantSchedule();
}

/// <summary>PyTorch's ConstantLR: the base rate times <see cref="FactorValue"/> until <see cref="TotalIters"/>, then the base rate.</summary>
public sealed class ConstantLR : FactorSchedule
{
    /// <summary>Creates the schedule (factor in [0, 1], total_iters ≥ 0).</summary>
    public ConstantLR(double factor = 1.0 / 3, int totalIters = 5) : this(new ConstantLROptions { Factor = factor, TotalIters = totalIters })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public ConstantLR(ConstantLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        FactorValue = options.Factor;
        TotalIters = options.TotalIters;
    }

    /// <summary>The multiplier applied before <see cref="TotalIters"/>.</summary>
    public double FactorValue { get; }

    /// <summary>Steps during which the factor applies.</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return step < TotalIters ? FactorValue : 1;
    }
}

/// <summary>Options of <see cref="ConstantLR"/> (PyTorch's defaults).</summary>
public sealed record ConstantLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Number<ConstantLROptions>("factor", o => o.Factor, (o, v) => o.Factor = v, ValueRange.ClosedUnit),
        Hyperparameter.Integer<ConstantLROptions>("total_iters", o => o.TotalIters, (o, v) => o.TotalIters = v, ValueRange.NonNegativeInteger));

    /// <inheritdoc/>
    public override string ScheduleName => "ConstantLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>The multiplier in [0, 1] applied before <see cref="TotalIters"/>.</summary>
    public double Factor { get; set; } = 1.0 / 3;

    /// <summary>Steps (≥ 0) during which the factor applies.</summary>
    public int TotalIters { get; set; } = 5;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new ConstantLR(this);
}

/// <summary>PyTorch's StepLR: multiply by γ every <see cref="StepSize"/> steps, lr = lr₀·γ^⌊t/step_size⌋.</summary>
public sealed class StepLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public StepLR(int stepSize, double gamma = 0.1) : this(new StepLROptions { StepSize = stepSize, Gamma = gamma })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public StepLR(StepLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        StepSize = options.StepSize!.Value;
        Gamma = options.Gamma;
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Pow(Gamma, step / StepSize);
    }
}

/// <summary>Options of <see cref="StepLR"/> (PyTorch's defaults; step_size is required).</summary>
public sealed record StepLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableInteger<StepLROptions>("step_size", o => o.StepSize, (o, v) => o.StepSize = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.Number<StepLROptions>("gamma", o => o.Gamma, (o, v) => o.Gamma = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "StepLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Steps between decays (required).</summary>
    public int? StepSize { get; set; }

    /// <summary>Decay factor γ ≥ 0.</summary>
    public double Gamma { get; set; } = 0.1;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new StepLR(this);
}

/// <summary>
/// PyTorch's MultiStepLR: multiply by γ at each milestone, lr = lr₀·γ^(number of milestones ≤ t). A milestone listed
/// twice decays twice, as in PyTorch.
/// </summary>
public sealed class MultiStepLR : FactorSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    public MultiStepLR(IEnumerable<int> milestones, double gamma = 0.1)
        : this(new MultiStepLROptions { Milestones = [.. milestones ?? throw new ArgumentNullException(nameof(milestones))], Gamma = gamma })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public MultiStepLR(MultiStepLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _milestones = [.. options.Milestones!.Order()];
        Gamma = options.Gamma;
    }

    /// <summary>Sorted milestones.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>Decay factor γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= step) passed++;
        return Math.Pow(Gamma, passed);
    }
}

/// <summary>Options of <see cref="MultiStepLR"/> (PyTorch's defaults; milestones are required).</summary>
public sealed record MultiStepLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Integers<MultiStepLROptions>("milestones", o => o.Milestones, (o, v) => o.Milestones = v, ValueRange.NonNegativeInteger, required: true),
        Hyperparameter.Number<MultiStepLROptions>("gamma", o => o.Gamma, (o, v) => o.Gamma = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "MultiStepLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Steps (≥ 0) at which the rate decays (required; any order).</summary>
    public IReadOnlyList<int>? Milestones { get; set; }

    /// <summary>Decay factor γ ≥ 0.</summary>
    public double Gamma { get; set; } = 0.1;

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new MultiStepLR(this);
}

/// <summary>PyTorch's ExponentialLR: lr = lr₀·γᵗ.</summary>
public sealed class ExponentialLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ExponentialLR(double gamma) : this(new ExponentialLROptions { Gamma = gamma })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public ExponentialLR(ExponentialLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Gamma = options.Gamma!.Value;
    }

    /// <summary>Decay factor γ per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Pow(Gamma, step);
    }
}

/// <summary>Options of <see cref="ExponentialLR"/> (gamma is required).</summary>
public sealed record ExponentialLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableNumber<ExponentialLROptions>("gamma", o => o.Gamma, (o, v) => o.Gamma = v, ValueRange.NonNegative, required: true));

    /// <inheritdoc/>
    public override string ScheduleName => "ExponentialLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Decay factor γ ≥ 0 per step (required).</summary>
    public double? Gamma { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new ExponentialLR(this);
}
