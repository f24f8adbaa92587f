namespace Descent.Tuning;

/// <summary>
/// Prunes a trial whose best intermediate value is worse than the median of the Complete trials' values
/// at the same step: the 50th-percentile <see cref="PercentilePruner"/> (Optuna's <c>MedianPruner</c>,
/// the median stopping rule of Golovin et al. 2017, "Google Vizier").
/// </summary>
public sealed class MedianPruner : PercentilePruner
{
    /// <summary>Creates the pruner with Optuna's defaults.</summary>
    public MedianPruner(int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
        : base(50.0, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials) { }
}
