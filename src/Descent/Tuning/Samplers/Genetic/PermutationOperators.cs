namespace Descent.Tuning;

/// <summary>How <see cref="PermutationOperators"/> mutates a permutation.</summary>
public enum PermutationMutation
{
    /// <summary>Reverse a random segment (pymoo's default for permutations).</summary>
    Inversion,

    /// <summary>Exchange two random items.</summary>
    Swap,
}

/// <summary>
/// Variation of permutations of 0…n−1 (orderings: tours, schedules): order crossover and swap or inversion mutation,
/// pymoo's permutation operators (<c>OrderCrossover</c>, <c>InversionMutation</c>).
/// </summary>
public sealed class PermutationOperators : IGeneticOperators<int[]>
{
    private readonly PermutationMutation _mutation;

    /// <summary>Creates the operators for permutations of <paramref name="length"/> items.</summary>
    public PermutationOperators(int length, PermutationMutation mutation = PermutationMutation.Inversion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
        _mutation = mutation;
    }

    /// <summary>Number of items.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public IEqualityComparer<int[]> Comparer => SequenceComparer<int>.Instance;

    /// <inheritdoc/>
    public int[] Random(TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var p = Enumerable.Range(0, Length).ToArray();
        rng.Shuffle(p.AsSpan());
        return p;
    }

    /// <inheritdoc/>
    public int[] Crossover(int[] first, int[] second, TuningRandom rng) => EvolutionOperators.OrderCrossover(first, second, rng);

    /// <inheritdoc/>
    public int[] Mutate(int[] genome, TuningRandom rng) => _mutation == PermutationMutation.Swap
        ? EvolutionOperators.SwapMutation(genome, rng)
        : EvolutionOperators.InversionMutation(genome, rng);
}
