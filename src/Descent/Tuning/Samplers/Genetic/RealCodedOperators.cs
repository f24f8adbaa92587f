namespace Descent.Tuning;

/// <summary>Settings of <see cref="RealCodedOperators"/>, defaulting to pymoo's <c>SBX()</c> and <c>PM()</c>.</summary>
public sealed record RealCodedOptions
{
    /// <summary>Distribution index η of simulated binary crossover (pymoo: 15; larger keeps children nearer their parents).</summary>
    public double CrossoverEta { get; init; } = 15;

    /// <summary>Probability that a numeric gene is recombined by SBX rather than inherited (pymoo's <c>prob_var</c>, 0.5); also the swap probability of categorical genes.</summary>
    public double CrossoverGeneProb { get; init; } = 0.5;

    /// <summary>Distribution index η of polynomial mutation (pymoo: 20).</summary>
    public double MutationEta { get; init; } = 20;

    /// <summary>Probability that a gene of a mutated genome changes; null: min(0.5, 1/genes) (pymoo's default).</summary>
    public double? MutationGeneProb { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!(CrossoverEta > 0)) throw new ArgumentException($"CrossoverEta must be positive, got {CrossoverEta}");
        if (!(CrossoverGeneProb is >= 0 and <= 1)) throw new ArgumentException($"CrossoverGeneProb must be in [0, 1], got {CrossoverGeneProb}");
        if (!(MutationEta > 0)) throw new ArgumentException($"MutationEta must be positive, got {MutationEta}");
        if (MutationGeneProb is double m && !(m is >= 0 and <= 1)) throw new ArgumentException($"MutationGeneProb must be in [0, 1], got {m}");
    }
}

/// <summary>
/// Variation of genomes over a <see cref="GeneSpace"/> with real, integer and categorical genes, as pymoo's
/// real-coded GA: numeric genes are recombined by bounded simulated binary crossover and mutated by bounded polynomial
/// mutation on their unit coordinates (so log ranges vary on the log scale, ints and stepped floats are rounded back
/// onto their grid, as pymoo's rounding repair); categorical genes are inherited from either parent and mutated by
/// resetting to another choice drawn uniformly. Single-valued genes never change.
/// </summary>
public sealed class RealCodedOperators : IGeneticOperators<double[]>
{
    private readonly RealCodedOptions _options;
    private readonly double _mutationGeneProb;

    /// <summary>Creates the operators over <paramref name="space"/>.</summary>
    public RealCodedOperators(GeneSpace space, RealCodedOptions? options = null)
    {
        Space = space ?? throw new ArgumentNullException(nameof(space));
        _options = options ?? new RealCodedOptions();
        _options.Validate();
        _mutationGeneProb = _options.MutationGeneProb ?? Math.Min(0.5, 1.0 / space.Count);
    }

    /// <summary>The genes.</summary>
    public GeneSpace Space { get; }

    /// <inheritdoc/>
    public IEqualityComparer<double[]> Comparer => SequenceComparer<double>.Instance;

    /// <inheritdoc/>
    public double[] Random(TuningRandom rng) => Space.Random(rng);

    /// <inheritdoc/>
    public double[] Crossover(double[] first, double[] second, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(rng);
        var child = (double[])first.Clone();
        // pymoo keeps both SBX children (and swaps them gene by gene with prob_bin ½); one child per stream here, so
        // take either with probability ½ — the same distribution for each child.
        for (int g = 0; g < child.Length; g++)
        {
            if (Space.Distributions[g].IsSingle || rng.NextDouble() >= _options.CrossoverGeneProb) continue;
            if (Space.IsCategorical(g))
            {
                child[g] = second[g];
                continue;
            }
            child[g] = Space.FromUnit(g, EvolutionOperators.SimulatedBinaryChild(Space.ToUnit(g, first[g]), Space.ToUnit(g, second[g]), _options.CrossoverEta, rng));
        }
        return child;
    }

    /// <inheritdoc/>
    public double[] Mutate(double[] genome, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentNullException.ThrowIfNull(rng);
        var child = (double[])genome.Clone();
        for (int g = 0; g < child.Length; g++)
        {
            if (Space.Distributions[g].IsSingle || rng.NextDouble() >= _mutationGeneProb) continue;
            if (Space.IsCategorical(g))
            {
                int n = Space.ChoiceCount(g), other = rng.NextInt(n - 1);
                child[g] = other >= (int)child[g] ? other + 1 : other;
                continue;
            }
            child[g] = Space.FromUnit(g, EvolutionOperators.PolynomialMutation(Space.ToUnit(g, child[g]), _options.MutationEta, rng));
        }
        return child;
    }
}
