namespace Descent.Tuning;

/// <summary>
/// The genes of a genome: one per named parameter, ordered by name (ordinal), each a study
/// <see cref="Distribution"/>. A genome is a <c>double[]</c> of internal representations in that order (floats and ints
/// as themselves, categoricals as the choice index), so genomes are study parameters and back without conversion.
/// Numeric genes also have a unit coordinate in [0, 1] (log-scaled for log ranges, widened by half a step for ints and
/// stepped floats, as <see cref="UnitSpaceTransform"/>), which is where the variation operators work.
/// </summary>
public sealed class GeneSpace
{
    private readonly UnitSpaceTransform _unit;

    /// <summary>Creates the gene space of <paramref name="space"/>.</summary>
    /// <exception cref="ArgumentException">The space is empty.</exception>
    public GeneSpace(IReadOnlyDictionary<string, Distribution> space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Count == 0) throw new ArgumentException("a gene space needs at least one parameter", nameof(space));
        _unit = new UnitSpaceTransform(space, oneHot: true);
    }

    /// <summary>Parameter names, in gene order.</summary>
    public IReadOnlyList<string> Names => _unit.Names;

    /// <summary>The distribution of each gene.</summary>
    public IReadOnlyList<Distribution> Distributions => _unit.Distributions;

    /// <summary>Number of genes.</summary>
    public int Count => _unit.ParamCount;

    /// <summary>Whether gene <paramref name="gene"/> is categorical.</summary>
    public bool IsCategorical(int gene) => _unit.IsCategorical(gene);

    /// <summary>Whether gene <paramref name="gene"/> is a continuous float (no step): the genes a local search can move freely.</summary>
    public bool IsContinuous(int gene) => _unit.Distributions[gene] is FloatDistribution { Step: null } && !_unit.Distributions[gene].IsSingle;

    /// <summary>Number of choices of categorical gene <paramref name="gene"/>.</summary>
    public int ChoiceCount(int gene) => ((CategoricalDistribution)_unit.Distributions[gene]).Choices.Count;

    /// <summary>A genome drawn uniformly (log-uniformly for log ranges, uniformly over grid points), as <see cref="RandomSampler"/>.</summary>
    public double[] Random(TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var genome = new double[Count];
        for (int g = 0; g < genome.Length; g++) genome[g] = RandomSampler.Sample(rng, _unit.Distributions[g]);
        return genome;
    }

    /// <summary>The unit coordinate of numeric gene <paramref name="gene"/>'s internal value.</summary>
    public double ToUnit(int gene, double value) => _unit.ToUnit(gene, value);

    /// <summary>The internal value of numeric gene <paramref name="gene"/> at unit coordinate <paramref name="u"/> (rounded onto its grid, clamped).</summary>
    public double FromUnit(int gene, double u) => _unit.FromUnit(gene, u);

    /// <summary>
    /// The lower end of numeric gene <paramref name="gene"/>'s natural coordinate: the value itself for linear ranges, its
    /// logarithm for log ranges; ints and stepped floats widened by half a step so every grid value owns an equal cell.
    /// Annealing steps and local searches move in natural coordinates.
    /// </summary>
    public double NaturalLow(int gene) => Natural(gene).Low;

    /// <summary>The upper end of numeric gene <paramref name="gene"/>'s natural coordinate (see <see cref="NaturalLow"/>).</summary>
    public double NaturalHigh(int gene) => Natural(gene).High;

    /// <summary>The natural coordinate of numeric gene <paramref name="gene"/>'s internal value.</summary>
    public double ToNatural(int gene, double value) => IsLog(gene) ? Math.Log(value) : value;

    /// <summary>The internal value at natural coordinate <paramref name="x"/>: exponentiated for log ranges, rounded onto the grid, clamped into the range.</summary>
    public double FromNatural(int gene, double x)
    {
        switch (Distributions[gene])
        {
            case FloatDistribution { Step: null } f:
                return Math.Clamp(f.Log ? Math.Exp(x) : x, f.Low, f.High);
            case FloatDistribution or IntDistribution:
                // Rounding onto the grid is the unit transform's; the unit coordinate is exact enough for a grid.
                var (low, high) = Natural(gene);
                return _unit.FromUnit(gene, high > low ? (x - low) / (high - low) : 0.5);
            default:
                throw new ArgumentException($"{Names[gene]} is categorical: it has no natural coordinate", nameof(gene));
        }
    }

    private bool IsLog(int gene) => Distributions[gene] is FloatDistribution { Log: true } or IntDistribution { Log: true };

    private (double Low, double High) Natural(int gene) => Distributions[gene] switch
    {
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High)),
        FloatDistribution { Step: double s } f => (f.Low - s / 2, f.High + s / 2),
        FloatDistribution f => (f.Low, f.High),
        IntDistribution { Log: true } i => (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)),
        IntDistribution i => (i.Low - i.Step / 2.0, i.High + i.Step / 2.0),
        _ => throw new ArgumentException($"{Names[gene]} is categorical: it has no natural coordinate", nameof(gene)),
    };

    /// <summary>The genome as internal parameter values by name.</summary>
    public Dictionary<string, double> ToParams(IReadOnlyList<double> genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (genome.Count != Count) throw new ArgumentException($"the genome has {genome.Count} genes, the space {Count}", nameof(genome));
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int g = 0; g < Count; g++) result[Names[g]] = genome[g];
        return result;
    }

    /// <summary>The genome as user-facing values by name (doubles, ints, the categorical choices).</summary>
    public Dictionary<string, object?> ToExternal(IReadOnlyList<double> genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (genome.Count != Count) throw new ArgumentException($"the genome has {genome.Count} genes, the space {Count}", nameof(genome));
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int g = 0; g < Count; g++) result[Names[g]] = Distributions[g].ToExternal(genome[g]);
        return result;
    }

    /// <summary>The genome of internal parameter values <paramref name="internalParams"/>, or null when one is missing or outside its range.</summary>
    public double[]? FromParams(IReadOnlyDictionary<string, double> internalParams)
    {
        ArgumentNullException.ThrowIfNull(internalParams);
        var genome = new double[Count];
        for (int g = 0; g < Count; g++)
        {
            if (!internalParams.TryGetValue(Names[g], out var v) || !Distributions[g].Contains(v)) return null;
            genome[g] = v;
        }
        return genome;
    }

    /// <summary>A signature of the space (names and distributions), to tell whether stored state belongs to it.</summary>
    public string Signature() => string.Join(";", Names.Zip(Distributions, (n, d) => n + "=" + d));
}
