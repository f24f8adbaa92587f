namespace Descent.Tuning;

/// <summary>How <see cref="NsgaIISampler"/> recombines the numeric parameters of two parents.</summary>
public enum NsgaCrossover
{
    /// <summary>Each parameter comes from either parent with <see cref="NsgaIIOptions.SwappingProb"/> (Optuna's default <c>UniformCrossover</c>).</summary>
    Uniform,

    /// <summary>Simulated binary crossover (Deb &amp; Agrawal 1995) on the unit-cube encoding, bounded form of Deb's NSGA-II code; categoricals still cross uniformly.</summary>
    Sbx,
}

/// <summary>How <see cref="NsgaIISampler"/> mutates a child.</summary>
public enum NsgaMutation
{
    /// <summary>Each parameter is dropped with the mutation probability and sampled at random instead (Optuna's default).</summary>
    Random,

    /// <summary>Each numeric parameter is perturbed by bounded polynomial mutation (Deb &amp; Goyal 1996; DEAP's NSGA-II example, pymoo) with the mutation probability; categoricals move to another choice.</summary>
    Polynomial,
}

/// <summary>
/// Settings of <see cref="NsgaIISampler"/>, defaulting to Optuna's <c>NSGAIISampler</c>: population 50,
/// crossover probability 0.9, uniform crossover swapping each parameter with probability 0.5, mutation
/// probability 1/(number of parameters), no constraints.
/// </summary>
public sealed record NsgaIIOptions
{
    /// <summary>Trials per generation (and size of the elite parent population).</summary>
    public int PopulationSize { get; init; } = 50;

    /// <summary>Probability that a parameter of the child is resampled at random; null: 1 / max(1, parameters).</summary>
    public double? MutationProb { get; init; }

    /// <summary>Probability that a child is produced by crossover rather than copied from one parent.</summary>
    public double CrossoverProb { get; init; } = 0.9;

    /// <summary>Probability that uniform crossover takes a parameter from the second parent.</summary>
    public double SwappingProb { get; init; } = 0.5;

    /// <summary>Crossover operator for numeric parameters.</summary>
    public NsgaCrossover Crossover { get; init; } = NsgaCrossover.Uniform;

    /// <summary>Distribution index η of SBX (larger keeps children closer to their parents); Deb et al. 2002 use 20.</summary>
    public double SbxEta { get; init; } = 20;

    /// <summary>Mutation operator.</summary>
    public NsgaMutation Mutation { get; init; } = NsgaMutation.Random;

    /// <summary>Distribution index η of polynomial mutation; Deb et al. 2002 use 20.</summary>
    public double MutationEta { get; init; } = 20;

    /// <summary>
    /// Deb's configuration, as DEAP's NSGA-II example runs it: SBX (η = 20) for every numeric parameter with probability
    /// 0.9 per child, polynomial mutation (η = 20) of each parameter with probability 1/(number of parameters).
    /// </summary>
    public static NsgaIIOptions Deb { get; } = new() { Crossover = NsgaCrossover.Sbx, Mutation = NsgaMutation.Polynomial };

    /// <summary>
    /// Constraint values of a finished trial (feasible when every value is ≤ 0), evaluated in
    /// <see cref="ISampler.AfterTrial"/> and stored as the trial system attribute <c>constraints</c>; selection
    /// then uses Deb's constrained domination. Null: unconstrained.
    /// </summary>
    public Func<FrozenTrial, double[]>? ConstraintsFunc { get; init; }

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }
}
