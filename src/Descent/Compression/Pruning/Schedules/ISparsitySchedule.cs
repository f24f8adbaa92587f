namespace Descent.Compression.Pruning.Schedules;

/// <summary>
/// A pruning schedule (TensorFlow Model Optimization's <c>PruningSchedule</c>): the target sparsity at each training
/// step, and whether the masks are updated at that step. Pure functions of the step, so a resumed run continues exactly.
/// </summary>
public interface ISparsitySchedule
{
    /// <summary>The fraction of weights (or channels) pruned at <paramref name="step"/>, in [0, 1].</summary>
    double Sparsity(long step);

    /// <summary>True when pruning happens at <paramref name="step"/>.</summary>
    bool ShouldPrune(long step);

    /// <summary>The last step at which pruning happens (−1: no end).</summary>
    long EndStep { get; }
}
