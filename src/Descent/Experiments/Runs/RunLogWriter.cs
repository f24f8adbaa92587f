using Descent.Training;

namespace Descent.Experiments.Runs;

/// <summary>
/// Keeps a run directory's logs current during training: after every epoch metrics.csv (the history so far) and
/// steps.csv (the <see cref="StepRecorder"/>'s rows) are rewritten. <see cref="WriteSteps"/> is also the checkpoint
/// writer's <see cref="Training.Callbacks.ModelCheckpoint.BeforeSave"/>, so that after a crash steps.csv holds at least
/// the checkpoint's steps (a resume drops the rows after them). Put it just before the checkpoint writer.
/// </summary>
public sealed class RunLogWriter(RunDirectory run, StepRecorder steps) : ICallback
{
    private readonly RunDirectory _run = run ?? throw new ArgumentNullException(nameof(run));
    private readonly StepRecorder _steps = steps ?? throw new ArgumentNullException(nameof(steps));
    private int _written = -1;

    /// <summary>Rewrites steps.csv unless it already holds every recorded step.</summary>
    public void WriteSteps()
    {
        if (_steps.Steps.Count == _written) return;
        _run.WriteSteps(_steps.Steps);
        _written = _steps.Steps.Count;
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        var history = new History();
        foreach (var e in context.History.Epochs) history.Add(e);
        history.Add(context.EpochLogs);
        _run.WriteHistory(history);
        WriteSteps();
    }
}
