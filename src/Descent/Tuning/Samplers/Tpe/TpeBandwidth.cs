namespace Descent.Tuning;

/// <summary>Bandwidth rule of TPE's numeric kernels (<see cref="TpeOptions.Bandwidth"/>).</summary>
public enum TpeBandwidth
{
    /// <summary>
    /// The default, for univariate and multivariate TPE alike (measured better than <see cref="Scott"/> on every
    /// benchmark in docs/tuning.md). Each kernel as wide as the larger gap to its sorted neighbours (Bergstra et al. 2011; Optuna's univariate
    /// estimator): narrow where observations crowd together.
    /// </summary>
    NeighbourGaps,

    /// <summary>
    /// One width per dimension, 0.2 · n^(−1/(d+4)) · range for n observations in d dimensions: Scott's rule as in
    /// BOHB (Falkner et al. 2018) and Optuna's multivariate estimator (its SIGMA0_MAGNITUDE = 0.2).
    /// </summary>
    Scott,

    /// <summary>Optuna's choice: <see cref="Scott"/> for multivariate TPE, <see cref="NeighbourGaps"/> for univariate.</summary>
    Optuna,
}
