namespace Descent.Tuning;

/// <summary>How a <see cref="GeneticAlgorithm{T}"/> forms the next population.</summary>
public enum GeneticSurvival
{
    /// <summary>(μ + λ): the best <see cref="GeneticAlgorithmOptions.PopulationSize"/> of parents and offspring together (pymoo's <c>FitnessSurvival</c>; elitist).</summary>
    MuPlusLambda,

    /// <summary>Generational: the offspring replace the parents except the <see cref="GeneticAlgorithmOptions.EliteCount"/> best parents.</summary>
    Generational,
}

/// <summary>
/// Settings of <see cref="GeneticAlgorithm{T}"/> and <see cref="GeneticSampler"/>, defaulting to pymoo's <c>GA</c>:
/// population 100, as many offspring, binary tournaments, crossover probability 0.9, mutation probability 0.9 per
/// child, duplicates eliminated, (μ + λ) survival. The operators' own settings are in <see cref="RealCodedOptions"/>.
/// </summary>
public sealed record GeneticAlgorithmOptions
{
    /// <summary>Individuals that survive each generation (and the size of the random initial population).</summary>
    public int PopulationSize { get; init; } = 100;

    /// <summary>Children per generation; null: <see cref="PopulationSize"/>.</summary>
    public int? OffspringCount { get; init; }

    /// <summary>Entrants per tournament (pymoo's selection pressure, 2).</summary>
    public int TournamentSize { get; init; } = 2;

    /// <summary>Probability that a child is a crossover of two parents rather than a copy of one.</summary>
    public double CrossoverProb { get; init; } = 0.9;

    /// <summary>Probability that a child is mutated (each of its genes then with the operators' gene probability).</summary>
    public double MutationProb { get; init; } = 0.9;

    /// <summary>Redraw a child equal to a parent or to an earlier child of its generation (pymoo's <c>eliminate_duplicates</c>).</summary>
    public bool EliminateDuplicates { get; init; } = true;

    /// <summary>How the next population is formed.</summary>
    public GeneticSurvival Survival { get; init; } = GeneticSurvival.MuPlusLambda;

    /// <summary>Parents kept by <see cref="GeneticSurvival.Generational"/> survival.</summary>
    public int EliteCount { get; init; } = 1;

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }

    /// <summary>The offspring per generation.</summary>
    public int Offspring => OffspringCount ?? PopulationSize;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (PopulationSize < 2) throw new ArgumentException($"PopulationSize must be at least 2, got {PopulationSize}");
        if (OffspringCount is < 1) throw new ArgumentException($"OffspringCount must be at least 1, got {OffspringCount}");
        if (TournamentSize < 1) throw new ArgumentException($"TournamentSize must be at least 1, got {TournamentSize}");
        if (!(CrossoverProb is >= 0 and <= 1)) throw new ArgumentException($"CrossoverProb must be in [0, 1], got {CrossoverProb}");
        if (!(MutationProb is >= 0 and <= 1)) throw new ArgumentException($"MutationProb must be in [0, 1], got {MutationProb}");
        if (EliteCount < 0 || EliteCount > PopulationSize)
            throw new ArgumentException($"EliteCount must be in [0, PopulationSize = {PopulationSize}], got {EliteCount}");
        if (Survival == GeneticSurvival.Generational && Offspring + EliteCount < PopulationSize)
            throw new ArgumentException($"generational survival needs OffspringCount + EliteCount >= PopulationSize, got {Offspring} + {EliteCount} < {PopulationSize}");
    }
}
