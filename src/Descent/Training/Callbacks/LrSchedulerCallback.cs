using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Training.Callbacks;

/// <summary>Steps an <see cref="LrScheduler"/> after every batch or every epoch, following its interval.</summary>
public sealed class LrSchedulerCallback(LrScheduler scheduler) : ICallback
{
    /// <summary>The scheduler driven by this callback.</summary>
    public LrScheduler Scheduler { get; } = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        if (Scheduler.Interval == ScheduleInterval.Batch) Scheduler.Step();
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        if (Scheduler.Interval == ScheduleInterval.Epoch) Scheduler.Step();
    }
}

/// <summary>Feeds the monitored validation metric to <see cref="ReduceLROnPlateau"/> after each epoch.</summary>
public sealed class ReduceLROnPlateauCallback(ReduceLROnPlateau plateau, string monitor = "val_loss") : ICallback
{
    /// <summary>The plateau scheduler.</summary>
    public ReduceLROnPlateau Plateau { get; } = plateau ?? throw new ArgumentNullException(nameof(plateau));

    /// <summary>Metric key fed to the scheduler.</summary>
    public string Monitor { get; } = monitor;

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        if (!context.EpochLogs.TryGetValue(Monitor, out var value))
            throw new ArgumentException($"ReduceLROnPlateau: metric '{Monitor}' is not in the epoch logs (available: {string.Join(", ", context.EpochLogs.Keys)}).");
        Plateau.Step(value);
    }
}
