namespace Descent.Optim.Schedules;

/// <summary>
/// The hyperparameters of a schedule as a typed record that declares each of them once (key, property, range;
/// the default is the value a new record holds), as configuration files and <c>descent tune</c> read them. Hyperparameters
/// without a default (StepLR's <c>step_size</c>) are null until set, and <see cref="HyperparameterOptions.Validate"/>
/// reports them missing.
/// </summary>
public abstract record ScheduleOptions : HyperparameterOptions
{
    /// <summary>The schedule's name as <see cref="ScheduleFactory"/> spells it ("StepLR", "ReduceLROnPlateau").</summary>
    public abstract string ScheduleName { get; }

    /// <inheritdoc/>
    protected internal sealed override string OwnerName => ScheduleName;
}

/// <summary>Options of a pure schedule (a function of the step), which <see cref="Create"/> builds.</summary>
public abstract record LrScheduleOptions : ScheduleOptions
{
    /// <summary>Validates the options and builds the schedule.</summary>
    public ILrSchedule Create()
    {
        Validate();
        return Build();
    }

    /// <summary>Builds the schedule from validated options.</summary>
    protected abstract ILrSchedule Build();
}
