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
    /// Replicas for data-parallel training: each batch is split over this many model copies on separate threads,
    /// whose gradients are averaged (weighted by sub-batch size) before one optimizer step. 1 = off.
    /// </summary>
    public int DataParallel { get; init; } = 1;
}
