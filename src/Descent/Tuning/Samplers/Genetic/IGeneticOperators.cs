namespace Descent.Tuning;

/// <summary>
/// What <see cref="GeneticAlgorithm{T}"/> needs to know about a genome type <typeparamref name="T"/>: how to draw a
/// random one, recombine two parents into a child, mutate a child, and tell duplicates apart. Implementations draw only
/// from the generator passed in (see <see cref="EvolutionOperators"/>) and never change their arguments.
/// </summary>
/// <typeparam name="T">The genome: e.g. <c>double[]</c> of internal values (<see cref="RealCodedOperators"/>) or <c>int[]</c> permutations (<see cref="PermutationOperators"/>).</typeparam>
public interface IGeneticOperators<T>
{
    /// <summary>A random genome (the initial population).</summary>
    T Random(TuningRandom rng);

    /// <summary>One child of <paramref name="first"/> and <paramref name="second"/>.</summary>
    T Crossover(T first, T second, TuningRandom rng);

    /// <summary>A mutated copy of <paramref name="genome"/>.</summary>
    T Mutate(T genome, TuningRandom rng);

    /// <summary>Equality of genomes, for eliminating duplicates.</summary>
    IEqualityComparer<T> Comparer { get; }
}
