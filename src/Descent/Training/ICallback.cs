namespace Descent.Training;

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/> (Keras' callbacks). Everything optional in training — clipping, penalties,
/// schedules, early stopping, checkpoints, logging, progress — is a callback, not a branch in the loop.
/// Every method has an empty default; implement only what you need. Callbacks run in the order given.
/// </summary>
public interface ICallback
{
    /// <summary>Before the first epoch (also when resuming).</summary>
    void OnTrainBegin(TrainingContext context) { }

    /// <summary>Before the first batch of an epoch.</summary>
    void OnEpochBegin(TrainingContext context) { }

    /// <summary>Before the forward pass of a batch.</summary>
    void OnBatchBegin(TrainingContext context) { }

    /// <summary>After the loss is computed and before backward; may replace <see cref="TrainingContext.LossTensor"/> (penalties).</summary>
    void OnLossComputed(TrainingContext context) { }

    /// <summary>After backward and before the optimizer step (clipping, NaN guard; may set <see cref="TrainingContext.SkipStep"/>).</summary>
    void OnAfterBackward(TrainingContext context) { }

    /// <summary>After the optimizer step of a batch.</summary>
    void OnBatchEnd(TrainingContext context) { }

    /// <summary>After the epoch's validation; <see cref="TrainingContext.EpochLogs"/> holds its metrics.</summary>
    void OnEpochEnd(TrainingContext context) { }

    /// <summary>After the last epoch, whether training stopped early or not.</summary>
    void OnTrainEnd(TrainingContext context) { }
}
