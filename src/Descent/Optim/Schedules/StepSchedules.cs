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

/// <summary>PyTorch's ConstantLR: the base rate times <see cref="FactorValue"/> until <see cref="TotalIters"/>, then the base rate.</summary>
public sealed class ConstantLR : FactorSchedule
{
    /// <summary>Creates the schedule (factor in [0, 1], total_iters ≥ 0).</summary>
    public ConstantLR(double factor = 1.0 / 3, int totalIters = 5)
    {
        FactorValue = OptionChecks.ClosedUnit("ConstantLR", "factor", factor);
        TotalIters = totalIters >= 0 ? totalIters : throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "ConstantLR: total_iters must be ≥ 0.");
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

/// <summary>PyTorch's StepLR: multiply by γ every <see cref="StepSize"/> steps, lr = lr₀·γ^⌊t/step_size⌋.</summary>
public sealed class StepLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public StepLR(int stepSize, double gamma = 0.1)
    {
        StepSize = OptionChecks.PositiveInt("StepLR", "step_size", stepSize);
        Gamma = OptionChecks.NonNegative("StepLR", "gamma", gamma);
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

/// <summary>
/// PyTorch's MultiStepLR: multiply by γ at each milestone, lr = lr₀·γ^(number of milestones ≤ t). A milestone listed
/// twice decays twice, as in PyTorch.
/// </summary>
public sealed class MultiStepLR : FactorSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    public MultiStepLR(IEnumerable<int> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones.Order()];
        foreach (int m in _milestones)
            if (m < 0) throw new ArgumentOutOfRangeException(nameof(milestones), m, "MultiStepLR: milestones must be ≥ 0.");
        Gamma = OptionChecks.NonNegative("MultiStepLR", "gamma", gamma);
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

/// <summary>PyTorch's ExponentialLR: lr = lr₀·γᵗ.</summary>
public sealed class ExponentialLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ExponentialLR(double gamma) => Gamma = OptionChecks.NonNegative("ExponentialLR", "gamma", gamma);

    /// <summary>Decay factor γ per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Pow(Gamma, step);
    }
}
