using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>
/// A metric accumulated over the batches of an epoch: <see cref="Update"/> per batch (no allocation beyond
/// reading the tensors), <see cref="Compute"/> at the end. Streaming, so results do not depend on batch size.
/// </summary>
public interface IMetric
{
    /// <summary>Name used in logs and reports ("accuracy", "mae", ...).</summary>
    string Name { get; }

    /// <summary>True when larger values are better (accuracy, R²); false for errors.</summary>
    bool HigherIsBetter { get; }

    /// <summary>Clears the accumulated state.</summary>
    void Reset();

    /// <summary>Adds one batch of model outputs and targets.</summary>
    void Update(Tensor output, Tensor target);

    /// <summary>The metric over everything since the last reset (NaN when nothing was seen).</summary>
    double Compute();

    /// <summary>
    /// The accumulated state as named numbers, which a checkpoint written mid-epoch stores so that the resumed epoch's
    /// value counts every batch of the epoch, as an uninterrupted run's does. The default, null, says the metric
    /// cannot save its state: after a mid-epoch resume it then covers the batches after the resume point only.
    /// </summary>
    IReadOnlyDictionary<string, double>? StateDict() => null;

    /// <summary>Restores a state returned by <see cref="StateDict"/> (after <see cref="Reset"/>).</summary>
    void LoadStateDict(IReadOnlyDictionary<string, double> state) =>
        throw new NotSupportedException($"{Name}: this metric does not restore a saved state (it returns none from StateDict).");
}
