namespace Descent.Tuning;

/// <summary>
/// Settings of <see cref="TpeSampler"/>, defaulting to Optuna 3.x's <c>TPESampler</c>: 10 startup trials,
/// 24 EI candidates, γ(n) = min(⌈0.1n⌉, 25), Optuna's ramped weights, prior weight 1, magic clip on,
/// endpoints off, univariate, no grouping, no constant liar.
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

    /// <summary>Model the parameters jointly (Falkner et al. 2018's multivariate kernel) instead of one by one.</summary>
    public bool Multivariate { get; init; }

    /// <summary>With <see cref="Multivariate"/>, split conditional search spaces into groups sampled separately.</summary>
    public bool Group { get; init; }

    /// <summary>Treat running trials as bad ("constant liar"), so parallel workers spread out.</summary>
    public bool ConstantLiar { get; init; }

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }
}
