using Descent.NN;
using Descent.Tensors;

namespace Descent.Training;

/// <summary>
/// What a training step minimizes when it needs more than the model's output and the target (Keras'
/// <c>Model.compute_loss(x, y, y_pred)</c>): knowledge distillation runs a teacher on the same input, hint losses read
/// intermediate activations. Set it as <see cref="TrainerOptions.Objective"/>; the trainer's <see cref="Trainer.Loss"/>
/// still scores evaluation (val_loss). The objective is also a callback: the trainer runs its hooks first.
/// </summary>
/// <remarks>
/// With data-parallel training <see cref="Compute"/> runs once per replica, on the replicas' threads at the same time,
/// each with its rows of the batch; the loss it returns must be the mean over its rows (the trainer weighs replica i by
/// n_i/B). It must not change shared state without synchronization.
/// </remarks>
public interface ITrainingObjective : ICallback
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="batch"/> and returns its output and the loss to back-propagate.</summary>
    TrainingStepOutput Compute(Module model, TrainingBatch batch);
}

/// <summary>
/// The rows of a training batch an objective sees: input, target and the dataset index of each row (all rows of the
/// batch, or one data-parallel replica's share).
/// </summary>
public readonly record struct TrainingBatch(Tensor Input, Tensor Target, ReadOnlyMemory<int> SampleIndices);

/// <summary>The model's output on a batch and the scalar loss to back-propagate (mean over the batch's rows).</summary>
public readonly record struct TrainingStepOutput(Tensor Output, Tensor Loss);
