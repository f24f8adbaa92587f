namespace Descent.Tuning;

/// <summary>
/// Settings of <see cref="TpeSampler"/>, defaulting to Optuna 3.x's <c>TPESampler</c> (10 startup trials,
/// 24 EI candidates, γ(n) = min(⌈0.1n⌉, 25), Optuna's ramped weights, prior weight 1, magic clip on,
/// endpoints off, no grouping, no constant liar) except that it is multivariate by default: the joint
/// kernel found better optima on Branin, Hartmann-6 and Rosenbrock-10 in 100 trials than univariate TPE
/// (docs/tuning.md, "Benchmarks"; Falkner et al. 2018 and Watanabe 2023 report the same).
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

    /// <summary>Keep kernel bandwidths at least range / min(100, kernels + 1).</summary>
    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>Let the range ends widen the outermost kernels.</summary>
    public bool ConsiderEndpoints { get; init; }

    /// <summary>
    /// Model the parameters of the relative search space jointly (Falkner et al. 2018's multivariate kernel)
    /// instead of one by one; default true (Optuna: false). Parameters outside the intersection of the finished
    /// trials' spaces are still sampled one by one.
    /// </summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>With <see cref="Multivariate"/>, split conditional search spaces into groups sampled separately.</summary>
    public bool Group { get; init; }

    /// <summary>Treat running trials as bad ("constant liar"), so parallel workers spread out.</summary>
    public bool ConstantLiar { get; init; }

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }
}
