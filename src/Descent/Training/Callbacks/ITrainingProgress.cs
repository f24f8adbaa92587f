namespace Descent.Training.Callbacks;

/// <summary>
/// A progress display fed by <see cref="ProgressCallback"/>, which computes the numbers (running loss, samples/s, ETA,
/// the epoch's line); the display only draws them. <see cref="PlainTextProgress"/> writes lines (logs, CI); the
/// <c>descent</c> CLI draws a live terminal bar with the same data. Calls come from the training thread, in order:
/// <see cref="OnTrainBegin"/>, then per epoch <see cref="OnEpochBegin"/>, <see cref="OnBatchEnd"/> per batch,
/// <see cref="OnEpochEnd"/>; finally <see cref="OnTrainEnd"/> (also when training throws and the callback is disposed).
/// </summary>
public interface ITrainingProgress
{
    /// <summary>Training starts.</summary>
    void OnTrainBegin();

    /// <summary>An epoch starts (<see cref="TrainingProgress.Batch"/> is 0).</summary>
    void OnEpochBegin(TrainingProgress progress);

    /// <summary>A batch has been trained.</summary>
    void OnBatchEnd(TrainingProgress progress);

    /// <summary>An epoch has finished (after validation).</summary>
    void OnEpochEnd(EpochProgress epoch);

    /// <summary>Training has ended or failed; release the display. May be called more than once.</summary>
    void OnTrainEnd();
}
