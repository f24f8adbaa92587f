namespace Descent.Tuning;

/// <summary>
/// Settings of <see cref="TpeSampler"/>. Shared with Optuna 3.x's <c>TPESampler</c>: 10 startup trials, 24 EI
/// candidates, γ(n) = min(⌈0.1n⌉, 25), Optuna's ramped weights for g(x), prior weight 1, magic clip on, endpoints
/// off, no grouping, no constant liar. Different, from Watanabe 2023 ("Tree-Structured Parzen Estimator:
/// Understanding Its Algorithm Components", whose ablations cover each choice): multivariate kernels
/// (<see cref="Multivariate"/>), improvement-weighted l(x) (<see cref="ImprovementWeights"/>) and a magic clip
/// that lets kernels narrow as range · max(0.03, (kernels + 1)^−2) (<see cref="MagicClipExponent"/>). Chosen
/// on Branin, Hartmann-6 and Rosenbrock-10 over seeds other than the benchmark's, they also beat Optuna's TPE
/// on all 11 held-out test functions (docs/tuning.md, §5a). <see cref="Optuna"/> gives Optuna's settings.
/// </summary>
public sealed record TpeOptions
{
    /// <summary>Trials sampled by <see cref="RandomSampler"/> before TPE takes over.</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from l(x) per sample; the one maximizing l(x)/g(x) wins.</summary>
    public int NEiCandidates { get; init; } = 24;

    /// <summary>Number of "good" trials out of n finished ones; null: <see cref="TpeSampler.DefaultGamma"/> (single objective) or ⌈0.1n⌉ (multi-objective).</summary>
    public Func<int, int>? Gamma { get; init; }

    /// <summary>Weights of n observations in trial-number order (oldest first).</summary>
    public Func<int, double[]> Weights { get; init; } = TpeSampler.DefaultWeights;

    /// <summary>Weight of the prior kernel relative to an observation.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Keep numeric kernel bandwidths above a floor that shrinks with the number of kernels ("magic clip", Bergstra et al. 2011); see <see cref="MagicClipExponent"/>.</summary>
    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>
    /// Exponent α of the magic clip: with <see cref="ConsiderMagicClip"/>, numeric bandwidths are at least
    /// range · max(<see cref="MinBandwidthFactor"/>, (kernels + 1)^−α), kernels counting the prior (Watanabe 2023's
    /// b_magic exponent). Default 2; Optuna's clip is α = 1 with factor 0.01, i.e. range / min(100, kernels + 1),
    /// which keeps the ~10 kernels of l(x) at least range/12 wide and stops fine convergence in few dimensions.
    /// </summary>
    public double MagicClipExponent { get; init; } = 2.0;

    /// <summary>Floor Δ of the magic clip as a fraction of the range (see <see cref="MagicClipExponent"/>); default 0.03 (Optuna: 0.01).</summary>
    public double MinBandwidthFactor { get; init; } = 0.03;

    /// <summary>
    /// Weigh each good observation of l(x) by its improvement on the best of the other trials (Watanabe 2023's
    /// "EI" weighting; single objective, complete trials) instead of <see cref="Weights"/>; default true (Optuna: false).
    /// </summary>
    public bool ImprovementWeights { get; init; } = true;

    /// <summary>Let the range ends widen the outermost kernels.</summary>
    public bool ConsiderEndpoints { get; init; }

    /// <summary>
    /// Model the parameters of the relative search space jointly (Falkner et al. 2018's multivariate kernel)
    /// instead of one by one; default true (Optuna: false). Parameters outside the intersection of the finished
    /// trials' spaces are still sampled one by one.
    /// </summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>How wide the numeric kernels are (before the magic clip); see <see cref="TpeBandwidth"/>.</summary>
    public TpeBandwidth Bandwidth { get; init; } = TpeBandwidth.NeighbourGaps;

    /// <summary>With <see cref="Multivariate"/>, split conditional search spaces into groups sampled separately.</summary>
    public bool Group { get; init; }

    /// <summary>Treat running trials as bad ("constant liar"), so parallel workers spread out.</summary>
    public bool ConstantLiar { get; init; }

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// Optuna 3.x's <c>TPESampler()</c> settings: univariate, Optuna's weights for both densities, magic clip
    /// range / min(100, kernels + 1), Optuna's bandwidth rule (Scott's when made multivariate). For comparisons and
    /// for users who want Optuna's behaviour; Optuna 3.1's univariate density also omits −log σ (optuna#5109, fixed
    /// in 3.5), which Descent does not copy.
    /// </summary>
    public static TpeOptions Optuna { get; } = new()
    {
        Multivariate = false,
        Bandwidth = TpeBandwidth.Optuna,
        MagicClipExponent = 1.0,
        MinBandwidthFactor = 0.01,
        ImprovementWeights = false,
    };
}
