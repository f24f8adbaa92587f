namespace Descent.Optim.Schedules;

/// <summary>
/// Writes a schedule's learning rate (and momentum, for cycling schedules) into an optimizer's parameter groups: the
/// thin stateful shell around a pure <see cref="ILrSchedule"/>. Creating it applies step 0; each <see cref="Step"/>
/// advances one step (call it after <c>optimizer.Step()</c>, once per epoch or per batch as <see cref="Interval"/> says).
/// Base rates are the groups' <see cref="ParamGroup.InitialLr"/>, set from their current rates by the first scheduler.
/// </summary>
public sealed class LrScheduler
{
    private readonly double[] _baseLrs;
    private readonly double[] _lastLr;

    /// <summary>Attaches <paramref name="schedule"/> to <paramref name="optimizer"/> and applies step 0.</summary>
    public LrScheduler(Optimizer optimizer, ILrSchedule schedule, ScheduleInterval interval = ScheduleInterval.Epoch)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Interval = interval;
        var groups = optimizer.ParamGroups;
        _baseLrs = new double[groups.Count];
        _lastLr = new double[groups.Count];
        if (schedule is IMomentumSchedule { CyclesMomentum: true })
            foreach (var g in groups)
                if (!g.Options.HasMomentum)
                    throw new ArgumentException(
                        $"{schedule.GetType().Name}: {optimizer.Name} has no momentum or beta1 to cycle; pass cycleMomentum: false.", nameof(schedule));
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].InitialLr ??= groups[i].Lr;
            _baseLrs[i] = groups[i].InitialLr!.Value;
        }
        Apply();
    }

    /// <summary>The optimizer whose groups are written.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The schedule.</summary>
    public ILrSchedule Schedule { get; }

    /// <summary>Whether the training loop steps this scheduler per epoch or per batch.</summary>
    public ScheduleInterval Interval { get; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>).</summary>
    public int LastStep { get; private set; }

    /// <summary>Each group's base learning rate.</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>The learning rates written by the last step (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLr => _lastLr;

    /// <summary>Advances one step and writes the new rates.</summary>
    public void Step()
    {
        LastStep++;
        Apply();
    }

    /// <summary>The scheduler's position, as plain data (<c>last_step</c>, <c>base_lrs</c>).</summary>
    public Dictionary<string, object?> StateDict() => new(StringComparer.Ordinal)
    {
        ["last_step"] = (double)LastStep,
        ["base_lrs"] = _baseLrs.ToArray(),
    };

    /// <summary>Restores a position saved by <see cref="StateDict"/> and rewrites the groups' rates for it.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var key in state.Keys)
            if (key is not ("last_step" or "base_lrs"))
                throw new ArgumentException($"LrScheduler.LoadStateDict: unexpected entry '{key}' (expected: last_step, base_lrs).", nameof(state));
        int step = OptionValues.ToInt("LrScheduler", "last_step", state.GetValueOrDefault("last_step"));
        if (step < 0)
            throw new ArgumentException($"LrScheduler.LoadStateDict: last_step must be ≥ 0, got {step}.", nameof(state));
        var bases = OptionValues.ToDoubles("LrScheduler", "base_lrs", state.GetValueOrDefault("base_lrs"));
        if (bases.Length != _baseLrs.Length)
            throw new ArgumentException($"LrScheduler.LoadStateDict: {bases.Length} base rates for {_baseLrs.Length} parameter groups.", nameof(state));
        LastStep = step;
        bases.CopyTo(_baseLrs, 0);
        Apply();
    }

    private void Apply()
    {
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _baseLrs.Length)
            throw new InvalidOperationException(
                $"LrScheduler: the optimizer had {_baseLrs.Length} parameter groups when the scheduler was created and has {groups.Count} now.");
        var momentum = Schedule as IMomentumSchedule;
        for (int i = 0; i < groups.Count; i++)
        {
            double lr = Schedule.LearningRate(LastStep, _baseLrs[i]);
            groups[i].Lr = lr;
            _lastLr[i] = lr;
            if (momentum is { CyclesMomentum: true })
            {
                double m = momentum.Momentum(LastStep);
                if (!double.IsNaN(m)) groups[i].Options.Momentum = m;
            }
        }
    }
}
