namespace Descent.Tuning;

/// <summary>How <see cref="CmaEsSampler"/> restarts a converged run.</summary>
public enum CmaRestartStrategy
{
    /// <summary>Never restart (Optuna's default <c>restart_strategy=None</c>).</summary>
    None,

    /// <summary>IPOP-CMA-ES (Auger &amp; Hansen 2005): restart from a random mean with the population multiplied by <see cref="CmaEsOptions.IncPopSize"/>.</summary>
    Ipop,
}

/// <summary>
/// Settings of <see cref="CmaEsSampler"/>, following Optuna's <c>CmaEsSampler</c>: one random startup trial,
/// the mean at the centre of the space (in the unit cube: log-scaled for log ranges, ±½ step for discrete
/// ones), σ₀ = 1/6 of the unit range, λ = 4 + ⌊3 ln n⌋, IPOP restarts doubling λ.
/// </summary>
public sealed record CmaEsOptions
{
    /// <summary>Initial mean as user-facing parameter values (by name); parameters not listed start at the centre.</summary>
    public IReadOnlyDictionary<string, object?>? X0 { get; init; }

    /// <summary>Initial step size in the unit cube; null: 1/6 (Optuna's min range / 6).</summary>
    public double? Sigma0 { get; init; }

    /// <summary>Complete trials sampled independently before CMA-ES takes over.</summary>
    public int NStartupTrials { get; init; } = 1;

    /// <summary>Population size λ of the first run; null: 4 + ⌊3 ln n⌋ (Hansen's default).</summary>
    public int? PopulationSize { get; init; }

    /// <summary>Restart strategy; IPOP by default (Optuna's default is none).</summary>
    public CmaRestartStrategy RestartStrategy { get; init; } = CmaRestartStrategy.Ipop;

    /// <summary>Factor by which each IPOP restart multiplies λ.</summary>
    public int IncPopSize { get; init; } = 2;

    /// <summary>Also learn from pruned trials that carry a value (Optuna's <c>consider_pruned_trials</c>).</summary>
    public bool ConsiderPrunedTrials { get; init; }

    /// <summary>Seed; null draws one from the OS. Workers sharing a study should pass the same seed.</summary>
    public long? Seed { get; init; }
}
