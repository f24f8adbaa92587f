namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's SequentialLR: schedule i runs from milestone i−1 (0 for the first) until milestone i, each restarting
/// from step 0 at the group's base rate (what PyTorch 1.13 does when it calls <c>step(0)</c> at a milestone). A linear
/// warmup followed by a decay is <c>new SequentialLR([new LinearLR(0.1, 1, 5), new CosineAnnealingLR(95)], [5])</c>.
/// </summary>
public sealed class SequentialLR : ILrSchedule, IMomentumSchedule
{
    private readonly ILrSchedule[] _schedules;
    private readonly int[] _milestones;

    /// <summary>Creates the sequence; there must be one milestone fewer than schedules, strictly increasing.</summary>
    public SequentialLR(IEnumerable<ILrSchedule> schedules, IEnumerable<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        _schedules = [.. schedules];
        _milestones = [.. milestones];
        CheckMilestones(_schedules.Length, _milestones);
    }

    /// <summary>The schedules in order.</summary>
    public IReadOnlyList<ILrSchedule> Schedules => _schedules;

    /// <summary>Steps at which the next schedule takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>True when any part cycles momentum (the active part decides the value).</summary>
    public bool CyclesMomentum => _schedules.Any(s => s is IMomentumSchedule { CyclesMomentum: true });

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        var (schedule, local) = Active(step);
        return schedule.LearningRate(local, baseLr);
    }

    /// <summary>The active part's momentum, or NaN when the active part does not cycle momentum (left unchanged).</summary>
    public double Momentum(int step)
    {
        var (schedule, local) = Active(step);
        return schedule is IMomentumSchedule { CyclesMomentum: true } m ? m.Momentum(local) : double.NaN;
    }

    /// <summary>Throws unless there is at least one schedule and one milestone fewer, positive and strictly increasing.</summary>
    internal static void CheckMilestones(int schedules, IReadOnlyList<int> milestones)
    {
        if (schedules == 0)
            throw new ArgumentException("SequentialLR: expects at least one schedule.", nameof(schedules));
        if (milestones.Count != schedules - 1)
            throw new ArgumentException(
                $"SequentialLR: expects {schedules - 1} milestones for {schedules} schedules, got {milestones.Count}.", nameof(milestones));
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] <= (i == 0 ? 0 : milestones[i - 1]))
                throw new ArgumentException($"SequentialLR: milestones must be positive and strictly increasing, got [{string.Join(", ", milestones)}].", nameof(milestones));
    }

    private (ILrSchedule Schedule, int Step) Active(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
        int i = 0;
        while (i < _milestones.Length && _milestones[i] <= step) i++;
        return (_schedules[i], i == 0 ? step : step - _milestones[i - 1]);
    }
}

/// <summary>
/// PyTorch's ChainedScheduler: every schedule is applied at every step, each to the previous one's output
/// (for multiplicative schedules the factors multiply: lr = lr₀·f₁(t)·f₂(t)·…).
/// </summary>
public sealed class ChainedScheduler : ILrSchedule
{
    private readonly ILrSchedule[] _schedules;

    /// <summary>Chains <paramref name="schedules"/> in order.</summary>
    public ChainedScheduler(IEnumerable<ILrSchedule> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        _schedules = [.. schedules];
        CheckCount(_schedules.Length);
    }

    /// <summary>Throws unless there is at least one schedule.</summary>
    internal static void CheckCount(int schedules)
    {
        if (schedules == 0)
            throw new ArgumentException("ChainedScheduler: expects at least one schedule.", nameof(schedules));
    }

    /// <summary>The schedules in order of application.</summary>
    public IReadOnlyList<ILrSchedule> Schedules => _schedules;

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        double lr = baseLr;
        foreach (var s in _schedules) lr = s.LearningRate(step, lr);
        return lr;
    }
}

/// <summary>
/// A schedule evaluated from a fixed initial rate instead of the group's base rate (Keras' initial_learning_rate, the
/// textbooks' lr₀).
/// </summary>
public sealed class InitialLrSchedule : ILrSchedule
{
    /// <summary>Evaluates <paramref name="schedule"/> from <paramref name="initialLr"/>.</summary>
    public InitialLrSchedule(double initialLr, ILrSchedule schedule)
    {
        InitialLr = ValueRange.NonNegative.Check("schedule", "initial_lr", initialLr);
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>The fixed starting rate.</summary>
    public double InitialLr { get; }

    /// <summary>The wrapped schedule.</summary>
    public ILrSchedule Schedule { get; }

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr) => Schedule.LearningRate(step, InitialLr);

    /// <summary><paramref name="schedule"/> evaluated from <paramref name="initialLr"/>, or as is when it is null.</summary>
    public static ILrSchedule Wrap(double? initialLr, ILrSchedule schedule) =>
        initialLr is double lr0 ? new InitialLrSchedule(lr0, schedule) : schedule;
}

/// <summary>Shortcuts for common compositions.</summary>
public static class LrSchedules
{
    /// <summary>
    /// Linear warmup from <paramref name="startFactor"/>·lr₀ to lr₀ over <paramref name="warmupSteps"/> steps, then
    /// <paramref name="then"/> restarted at step 0.
    /// </summary>
    public static SequentialLR WithLinearWarmup(int warmupSteps, ILrSchedule then, double startFactor = 0.1) =>
        new([new LinearLR(startFactor, 1.0, warmupSteps), then], [warmupSteps]);
}
