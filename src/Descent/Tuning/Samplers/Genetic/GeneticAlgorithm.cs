namespace Descent.Tuning;

/// <summary>
/// A genetic algorithm with an ask/tell interface (minimization): <see cref="Ask"/> returns the next generation's genomes
/// (the random initial population first), the caller evaluates them — in parallel if it likes — and
/// <see cref="Tell"/> takes their fitness in the same order. Children come from tournaments, crossover and mutation
/// (<see cref="IGeneticOperators{T}"/>), and survival keeps the best (<see cref="GeneticAlgorithmOptions"/>: pymoo's GA
/// by default). Child number k is drawn from random stream k of the seed, and results are reduced in index order, so a
/// run is the same for a seed whatever the number of threads or the order in which evaluations finish — unlike
/// GeneticSharp's per-thread static generators or DEAP's global <c>random</c> state. <see cref="GeneticSampler"/> runs
/// the same algorithm over study trials, child k being trial k.
/// </summary>
/// <typeparam name="T">The genome type.</typeparam>
public sealed class GeneticAlgorithm<T>
{
    private readonly IGeneticOperators<T> _operators;
    private readonly GeneticAlgorithmOptions _options;
    private readonly long _seed;
    private List<Individual<T>> _population = [];
    private List<T>? _pending;
    private int _pendingGeneration = -1;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GeneticAlgorithm(IGeneticOperators<T> operators, GeneticAlgorithmOptions? options = null)
    {
        _operators = operators ?? throw new ArgumentNullException(nameof(operators));
        _options = options ?? new GeneticAlgorithmOptions();
        _options.Validate();
        _seed = _options.Seed ?? new TuningRandom().NextSeed();
    }

    /// <summary>The surviving population, best first (empty before the first <see cref="Tell"/>).</summary>
    public IReadOnlyList<Individual<T>> Population => _population;

    /// <summary>The best individual evaluated so far, or null.</summary>
    public Individual<T>? Best { get; private set; }

    /// <summary>Genomes evaluated so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>Generations completed (told) so far.</summary>
    public int Generation { get; private set; }

    /// <summary>
    /// The genomes to evaluate next: the random initial population, then one generation of children; at most
    /// <paramref name="maxCount"/> of them (for the last generation of a budget).
    /// </summary>
    /// <exception cref="InvalidOperationException">The previous batch has not been told.</exception>
    public IReadOnlyList<T> Ask(int? maxCount = null)
    {
        if (_pending is not null) throw new InvalidOperationException("Tell the fitness of the previous batch before asking for the next");
        if (maxCount is < 1) throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "maxCount must be at least 1");
        int count = Math.Min(maxCount ?? int.MaxValue, _population.Count == 0 ? _options.PopulationSize : _options.Offspring);
        var batch = new List<T>(count);
        var known = new HashSet<T>(_population.Select(p => p.Genome), _operators.Comparer);
        var fitness = GeneticBreeding.Fitness(_population);
        for (int i = 0; i < count; i++)
        {
            var rng = RandomStreams.For(_seed, Evaluations + i);
            T child;
            if (_population.Count == 0)
            {
                child = _operators.Random(rng);
                // The initial population is random; with duplicates eliminated it is also distinct (pymoo).
                for (int attempt = 1; _options.EliminateDuplicates && known.Contains(child) && attempt < GeneticBreeding.MaxAttempts; attempt++)
                    child = _operators.Random(rng);
            }
            else
            {
                child = GeneticBreeding.Child(_population, fitness, _operators, _options, rng, known.Contains);
            }
            known.Add(child);
            batch.Add(child);
        }
        _pending = batch;
        _pendingGeneration = Generation;
        return batch;
    }

    /// <summary>Takes the fitness of every genome of the last <see cref="Ask"/>, in its order; NaN counts as +∞ (worst).</summary>
    /// <exception cref="InvalidOperationException">Nothing was asked.</exception>
    /// <exception cref="ArgumentException">The count differs from the batch's.</exception>
    public void Tell(IReadOnlyList<double> fitness)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        var batch = _pending ?? throw new InvalidOperationException("nothing to tell: call Ask first");
        if (fitness.Count != batch.Count)
            throw new ArgumentException($"{fitness.Count} fitness values for a batch of {batch.Count}", nameof(fitness));
        var offspring = new List<Individual<T>>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            double f = double.IsNaN(fitness[i]) ? double.PositiveInfinity : fitness[i];
            var individual = new Individual<T>(batch[i], f, Evaluations + i, _pendingGeneration);
            offspring.Add(individual);
            if (Best is null || f < Best.Fitness) Best = individual;
        }
        Evaluations += batch.Count;
        _population = _population.Count == 0
            ? GeneticBreeding.Ranked(offspring).Take(_options.PopulationSize).ToList()
            : GeneticBreeding.Survive(_population, offspring, _options, _operators.Comparer);
        _pending = null;
        Generation++;
    }

    /// <summary>
    /// Runs ask/evaluate/tell until <paramref name="maxEvaluations"/> genomes are evaluated, evaluating each batch on up to
    /// <paramref name="maxParallelism"/> threads (−1: all cores); returns the best individual. The result does not depend
    /// on the parallelism.
    /// </summary>
    public Individual<T> Minimize(Func<T, double> objective, long maxEvaluations, int maxParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvaluations, 1);
        if (maxParallelism == 0 || maxParallelism < -1) throw new ArgumentOutOfRangeException(nameof(maxParallelism), maxParallelism, "use -1 (all cores) or a positive count");
        while (Evaluations < maxEvaluations)
        {
            var batch = Ask((int)Math.Min(int.MaxValue, maxEvaluations - Evaluations));
            var values = new double[batch.Count];
            if (maxParallelism == 1)
                for (int i = 0; i < batch.Count; i++) values[i] = objective(batch[i]);
            else
                Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, i => values[i] = objective(batch[i]));
            Tell(values);
        }
        return Best!;
    }
}
