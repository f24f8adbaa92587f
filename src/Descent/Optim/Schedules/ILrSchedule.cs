namespace Descent.Optim.Schedules;

/// <summary>
/// A learning-rate schedule: a pure function of the scheduler step (0 = when the scheduler is created, then one per
/// <see cref="LrScheduler.Step"/>, per epoch or per batch) and the parameter group's base learning rate. Schedules hold
/// no state, so they compose (<see cref="SequentialLR"/>, <see cref="ChainedScheduler"/>) and resume from a step count.
/// </summary>
public interface ILrSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> for a group whose base learning rate is <paramref name="baseLr"/>.</summary>
    double LearningRate(int step, double baseLr);
}

/// <summary>A schedule that also cycles momentum (SGD/RMSprop momentum, or β₁ of the Adam family), as OneCycleLR and CyclicLR do.</summary>
public interface IMomentumSchedule
{
    /// <summary>True when momentum is cycled (otherwise <see cref="Momentum"/> is not used).</summary>
    bool CyclesMomentum { get; }

    /// <summary>The momentum at <paramref name="step"/>.</summary>
    double Momentum(int step);
}

/// <summary>A schedule that multiplies the base learning rate by <see cref="Factor"/>.</summary>
public abstract class FactorSchedule : ILrSchedule
{
    /// <summary>The multiplier of the base learning rate at <paramref name="step"/>.</summary>
    public abstract double Factor(int step);

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr) => baseLr * Factor(step);

    /// <summary>Throws for a negative step.</summary>
    protected static void CheckStep(int step)
    {
        if (step < 0)
            throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
    }
}

/// <summary>When a scheduler is stepped by the training loop.</summary>
public enum ScheduleInterval
{
    /// <summary>Once per epoch (PyTorch's usual convention for StepLR, CosineAnnealingLR, …).</summary>
    Epoch,

    /// <summary>Once per optimizer step (OneCycleLR, CyclicLR, warmups measured in iterations).</summary>
    Batch,
}
