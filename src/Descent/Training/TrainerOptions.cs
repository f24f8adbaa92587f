using Descent.Training.Metrics;

namespace Descent.Training;

/// <summary>Options of a <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>
    /// Metrics computed on training batches (in train mode, as Keras does) and on the validation set every epoch.
    /// Each factory is called once per use so train and validation keep separate state.
    /// </summary>
    public IReadOnlyList<Func<IMetric>> Metrics { get; init; } = [];

    /// <summary>
    /// Replicas for data-parallel training: each batch is split over this many replicas of the model on separate
    /// threads, whose gradients are averaged (weighted by sub-batch size) before one optimizer step. 1 = off.
    /// </summary>
    /// <remarks>
    /// Replica i takes rows [i·B/N, (i+1)·B/N) of a batch of B. The replicas share the parameter values (they are the
    /// same modules); each back-propagates its loss scaled by its share n_i/B of the batch (1 for sum-reduced losses),
    /// so the summed gradient equals one replica's on the whole batch up to float rounding (for mean-reduced losses
    /// without class weights). As in PyTorch's <c>nn.DataParallel</c>: BatchNorm normalizes each replica with its own
    /// sub-batch's statistics and keeps the running statistics of replica 0 only; dropout in replica i ≥ 1 draws from
    /// its own generator seeded by (step, i), so masks differ from a one-replica run. While the replicas run, the
    /// training thread's intra-op threads (<c>ParallelFor.Threads</c>) are divided between them, through
    /// <c>ParallelFor.OverrideThreads</c> on the replicas' threads only. Callbacks see the batch loss after
    /// backward (<c>OnLossComputed</c> comes after the replicas' backward passes; a loss it replaces by adding terms
    /// back-propagates those terms only). Evaluation and prediction run on one replica.
    /// </remarks>
    public int DataParallel { get; init; } = 1;

    /// <summary>
    /// What training steps minimize instead of <see cref="Trainer.Loss"/> on the model's output (e.g. a distiller); null
    /// for the loss. Evaluation keeps the trainer's loss. The trainer runs the objective's callback hooks first.
    /// </summary>
    public ITrainingObjective? Objective { get; init; }
}
