namespace Descent.Tuning;

/// <summary>
/// Settings of <see cref="GpSampler"/>, defaulting to Optuna's <c>GPSampler</c>: 10 random startup
/// trials, 2048 candidates and 10 local searches for the acquisition, noise variance at least 1e-6.
/// </summary>
public sealed record GpOptions
{
    /// <summary>Complete trials sampled at random before the GP takes over.</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Treat the objective as noise-free: the noise variance is fixed at its minimum (Optuna's <c>deterministic_objective</c>).</summary>
    public bool DeterministicObjective { get; init; }

    /// <summary>Scrambled-Sobol candidates on which log EI is evaluated before local refinement.</summary>
    public int NCandidates { get; init; } = 2048;

    /// <summary>Local searches per trial (the best candidate, roulette picks and the best observed point).</summary>
    public int NLocalSearch { get; init; } = 10;

    /// <summary>
    /// Starts of the kernel-hyperparameter fit: the previous trial's fit and the default (all ones); each
    /// start beyond two is drawn at random (log-uniform over e^±2 of the defaults). The best optimum wins.
    /// </summary>
    public int KernelFitStarts { get; init; } = 2;

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }
}
