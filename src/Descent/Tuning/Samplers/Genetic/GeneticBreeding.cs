namespace Descent.Tuning;

/// <summary>
/// One generation step of the genetic algorithm, shared by <see cref="GeneticAlgorithm{T}"/> (ask/tell) and
/// <see cref="GeneticSampler"/> (study trials): breeding one child from the parents with the child's own random stream,
/// and survival. Fitness is minimized; ties are broken by evaluation number, so results never depend on the order in
/// which evaluations finished.
/// </summary>
internal static class GeneticBreeding
{
    /// <summary>Attempts at a child that is not a duplicate before a random genome is taken instead.</summary>
    public const int MaxAttempts = 100;

    /// <summary>
    /// A child of <paramref name="parents"/>: tournament-selected parent(s), crossover with the crossover probability
    /// (else a copy of the first), mutation with the mutation probability; redrawn while <paramref name="isDuplicate"/>
    /// (with duplicate elimination on), falling back to a random genome after <see cref="MaxAttempts"/>.
    /// </summary>
    public static T Child<T>(IReadOnlyList<Individual<T>> parents, double[] fitness, IGeneticOperators<T> operators,
        GeneticAlgorithmOptions options, TuningRandom rng, Func<T, bool> isDuplicate)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var first = parents[EvolutionOperators.Tournament(fitness, options.TournamentSize, rng)].Genome;
            var child = first;
            if (rng.NextDouble() < options.CrossoverProb)
                child = operators.Crossover(first, parents[EvolutionOperators.Tournament(fitness, options.TournamentSize, rng)].Genome, rng);
            if (rng.NextDouble() < options.MutationProb) child = operators.Mutate(child, rng);
            if (!options.EliminateDuplicates || !isDuplicate(child)) return child;
        }
        return operators.Random(rng);
    }

    /// <summary>The next population from <paramref name="parents"/> and <paramref name="offspring"/>, best first.</summary>
    public static List<Individual<T>> Survive<T>(IReadOnlyList<Individual<T>> parents, IReadOnlyList<Individual<T>> offspring,
        GeneticAlgorithmOptions options, IEqualityComparer<T> comparer)
    {
        IEnumerable<Individual<T>> pool = options.Survival == GeneticSurvival.MuPlusLambda
            ? parents.Concat(offspring)
            : Ranked(parents).Take(options.EliteCount).Concat(offspring);
        var seen = new HashSet<T>(comparer);
        var next = new List<Individual<T>>(options.PopulationSize);
        foreach (var individual in Ranked(pool))
        {
            if (next.Count == options.PopulationSize) break;
            // Duplicates can reach the pool through enqueued or resumed trials: keep the first of each genome.
            if (options.EliminateDuplicates && !seen.Add(individual.Genome)) continue;
            next.Add(individual);
        }
        return next;
    }

    /// <summary>Best first: by fitness, then evaluation number.</summary>
    public static IEnumerable<Individual<T>> Ranked<T>(IEnumerable<Individual<T>> individuals)
    {
        // Numbers are unique, so the order is total and an unstable sort gives LINQ's OrderBy/ThenBy result, faster.
        var ranked = individuals.ToArray();
        Array.Sort(ranked, static (a, b) => a.Fitness.CompareTo(b.Fitness) is int c and not 0 ? c : a.Number.CompareTo(b.Number));
        return ranked;
    }

    /// <summary>The fitness of each parent, for tournaments.</summary>
    public static double[] Fitness<T>(IReadOnlyList<Individual<T>> parents)
    {
        var f = new double[parents.Count];
        for (int i = 0; i < f.Length; i++) f[i] = parents[i].Fitness;
        return f;
    }
}
