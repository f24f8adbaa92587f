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
    {
        const string name = "OneCycleLR";
        if (maxLr is double m) OptionChecks.NonNegative(name, "max_lr", m);
        MaxLr = maxLr;
        TotalSteps = OptionChecks.PositiveInt(name, "total_steps", totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1)) throw OptionChecks.Fail(name, "pct_start", pctStart, "in [0, 1]");
        PctStart = pctStart;
        AnnealStrategy = annealStrategy;
        CyclesMomentum = cycleMomentum;
        BaseMomentum = OptionChecks.HalfOpenUnit(name, "base_momentum", baseMomentum);
        MaxMomentum = OptionChecks.HalfOpenUnit(name, "max_momentum", maxMomentum);
        DivFactor = OptionChecks.Positive(name, "div_factor", divFactor);
        FinalDivFactor = OptionChecks.Positive(name, "final_div_factor", finalDivFactor);
        ThreePhase = threePhase;

        // Lr levels: 0 = initial (max/div), 1 = max, 2 = min (initial/final_div). Phase end steps as in PyTorch.
        double up = PctStart * TotalSteps - 1;
        _phases = threePhase
            ? [(up, 0, 1, MaxMomentum, BaseMomentum), (2 * PctStart * TotalSteps - 2, 1, 0, BaseMomentum, MaxMomentum),
               (TotalSteps - 1, 0, 2, MaxMomentum, MaxMomentum)]
            : [(up, 0, 1, MaxMomentum, BaseMomentum), (TotalSteps - 1, 1, 2, BaseMomentum, MaxMomentum)];
    }

    /// <summary>Creates the schedule from epochs × steps per epoch (PyTorch's alternative to total_steps).</summary>
    public static OneCycleLR FromEpochs(double? maxLr, int epochs, int stepsPerEpoch, double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
    {
        OptionChecks.PositiveInt("OneCycleLR", "epochs", epochs);
        OptionChecks.PositiveInt("OneCycleLR", "steps_per_epoch", stepsPerEpoch);
        return new OneCycleLR(maxLr, checked(epochs * stepsPerEpoch), pctStart, annealStrategy, cycleMomentum,
            baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase);
    }

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
}
