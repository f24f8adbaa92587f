namespace Descent.Optim.Schedules;

/// <summary>
/// Keras' <c>ExponentialDecay</c>: lr = lr₀·rate^(t/decay_steps), or rate^⌊t/decay_steps⌋ with <see cref="Staircase"/>.
/// lr₀ is the group's base rate (wrap in <see cref="InitialLrSchedule"/> to fix it, as Keras' initial_learning_rate).
/// </summary>
public sealed class KerasExponentialDecay : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public KerasExponentialDecay(int decaySteps, double decayRate, bool staircase = false)
    {
        DecaySteps = OptionChecks.PositiveInt("ExponentialDecay", "decay_steps", decaySteps);
        DecayRate = OptionChecks.Positive("ExponentialDecay", "decay_rate", decayRate);
        Staircase = staircase;
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

/// <summary>The textbooks' continuous exponential decay lr(t) = lr₀·e^(−kt).</summary>
public sealed class ContinuousExponentialDecay : FactorSchedule
{
    /// <summary>Creates the schedule with decay constant <paramref name="k"/> ≥ 0.</summary>
    public ContinuousExponentialDecay(double k) => K = OptionChecks.NonNegative("ContinuousExponentialDecay", "k", k);

    /// <summary>Decay constant k.</summary>
    public double K { get; }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        CheckStep(step);
        return Math.Exp(-K * step);
    }
}

/// <summary>
/// PyTorch's LinearLR: the factor moves linearly from <see cref="StartFactor"/> to <see cref="EndFactor"/> over
/// <see cref="TotalIters"/> steps, then stays (a linear warmup with the defaults end = 1).
/// </summary>
public sealed class LinearLR : FactorSchedule
{
    /// <summary>Creates the schedule (start_factor in (0, 1], end_factor in [0, 1]).</summary>
    public LinearLR(double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
    {
        if (!(startFactor > 0 && startFactor <= 1))
            throw OptionChecks.Fail("LinearLR", "start_factor", startFactor, "in (0, 1]");
        StartFactor = startFactor;
        EndFactor = OptionChecks.ClosedUnit("LinearLR", "end_factor", endFactor);
        TotalIters = OptionChecks.PositiveInt("LinearLR", "total_iters", totalIters);
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

/// <summary>PyTorch's PolynomialLR: lr = lr₀·(1 − min(t, T)/T)^power, zero from T on.</summary>
public sealed class PolynomialLR : FactorSchedule
{
    /// <summary>Creates the schedule.</summary>
    public PolynomialLR(int totalIters = 5, double power = 1.0)
    {
        TotalIters = OptionChecks.PositiveInt("PolynomialLR", "total_iters", totalIters);
        Power = OptionChecks.NonNegative("PolynomialLR", "power", power);
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
