using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="GeneticOptimizer"/> (<c>optimizer: ga</c>).</summary>
public sealed record GeneticOptimizerOptions : OptimizerOptions
{
    private static readonly Hyperparameter<GeneticOptimizerOptions, int> PopulationHyperparameter =
        Hyperparameter.Integer<GeneticOptimizerOptions>("population", o => o.Population, (o, v) => o.Population = v, ValueRange.Interval(2, int.MaxValue));

    private static readonly Hyperparameter<GeneticOptimizerOptions, double> CrossoverHyperparameter =
        Hyperparameter.Number<GeneticOptimizerOptions>("crossover_prob", o => o.CrossoverProb, (o, v) => o.CrossoverProb = v, ValueRange.ClosedUnit);

    private static readonly Hyperparameter<GeneticOptimizerOptions, double> MutationRateHyperparameter =
        Hyperparameter.Number<GeneticOptimizerOptions>("mutation_rate", o => o.MutationRate, (o, v) => o.MutationRate = v, ValueRange.PositiveUnit);

    private static readonly Hyperparameter<GeneticOptimizerOptions, int> TournamentHyperparameter =
        Hyperparameter.Integer<GeneticOptimizerOptions>("tournament", o => o.Tournament, (o, v) => o.Tournament = v, ValueRange.PositiveInteger);

    private static readonly Hyperparameter<GeneticOptimizerOptions, int> SeedHyperparameter =
        Hyperparameter.Integer<GeneticOptimizerOptions>("seed", o => o.Seed, (o, v) => o.Seed = v, ValueRange.NonNegativeInteger);

    private static readonly HyperparameterSet Declared = new(LrHyperparameter, WeightDecayHyperparameter, PopulationHyperparameter,
        CrossoverHyperparameter, MutationRateHyperparameter, TournamentHyperparameter, SeedHyperparameter);

    /// <summary>Creates the options: lr is the standard deviation of the Gaussian mutation.</summary>
    public GeneticOptimizerOptions(double lr = 0.02, double weightDecay = 0, int population = 20, double crossoverProb = 0.5,
        double mutationRate = 1, int tournament = 2, int seed = 0) : base(lr, weightDecay)
    {
        Population = population;
        CrossoverProb = crossoverProb;
        MutationRate = mutationRate;
        Tournament = tournament;
        Seed = seed;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "GA";

    /// <summary>lr, weight_decay, population, crossover_prob, mutation_rate, tournament, seed.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Individuals kept per generation (≥ 2); a step evaluates twice as many candidates.</summary>
    public int Population { get; set => field = PopulationHyperparameter.Check(this, value); }

    /// <summary>Probability that a child mixes two parents (uniform crossover) rather than copying one.</summary>
    public double CrossoverProb { get; set => field = CrossoverHyperparameter.Check(this, value); }

    /// <summary>Fraction of a child's weights that mutation perturbs (1: all, as Such et al.'s deep GA).</summary>
    public double MutationRate { get; set => field = MutationRateHyperparameter.Check(this, value); }

    /// <summary>Entrants per tournament.</summary>
    public int Tournament { get; set => field = TournamentHyperparameter.Check(this, value); }

    /// <summary>Seed of the optimizer's random streams.</summary>
    public int Seed { get; set => field = SeedHyperparameter.Check(this, value); }
}

/// <summary>State of one parameter under <see cref="GeneticOptimizer"/>: its slice of every individual, shape [population, ...parameter].</summary>
public sealed class GeneticState : ParamState
{
    /// <summary>The population's values of this parameter, or null before the first step.</summary>
    public Tensor? Population { get; internal set; }

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("population", Population);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        Population = reader.StackOrNull("population");
    }
}

/// <summary>
/// Neuroevolution by a genetic algorithm (<c>optimizer: ga</c>): the weights of all parameters form one genome. The
/// first step seeds the population with the current weights and perturbations of them; every step is one generation on
/// the step's batch: the parents are scored on it (so an old lucky score never survives a new batch), children are
/// bred by tournament, uniform crossover and Gaussian mutation of standard deviation lr (Montana &amp; Davis 1989; Such et al.,
/// "Deep Neuroevolution", 2017), scored, and the best <c>population</c> of parents and children survive ((μ + λ),
/// elitist). The best survivor is left in the parameters. A step costs 2 × population forward passes and no backward
/// pass. Child k of step t draws from its own stream of (seed, t, k), so a run depends on the seed alone.
/// </summary>
public sealed class GeneticOptimizer : GradientFreeOptimizer<GeneticOptimizerOptions, GeneticState>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (default options when null).</summary>
    public GeneticOptimizer(IEnumerable<Tensor> parameters, GeneticOptimizerOptions? options = null)
        : base(parameters, options ?? new GeneticOptimizerOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "GA";

    /// <inheritdoc/>
    protected override GeneticState CreateState(Tensor param, GeneticOptimizerOptions options) => new();

    /// <inheritdoc/>
    protected override GeneticState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    public override double Step(Func<double> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var o = Defaults;
        long step = StateAt(0).Step;
        var sigma = StepSizes();
        var parents = Load(o.Population) ?? Seed(Gather(), sigma, o);
        var fitness = parents.Select(x => Evaluate(x, closure)).ToArray();
        var children = new double[o.Population][];
        var childFitness = new double[o.Population];
        for (int k = 0; k < children.Length; k++)
        {
            var rng = Stream(o.Seed, step, k);
            var child = (double[])parents[Tournament(fitness, o.Tournament, rng)].Clone();
            if (rng.NextDouble() < o.CrossoverProb)
            {
                var other = parents[Tournament(fitness, o.Tournament, rng)];
                for (int i = 0; i < child.Length; i++)
                    if (rng.NextDouble() < 0.5) child[i] = other[i];
            }
            for (int i = 0; i < child.Length; i++)
                if (o.MutationRate >= 1 || rng.NextDouble() < o.MutationRate) child[i] += sigma[i] * rng.NextNormal();
            children[k] = child;
            childFitness[k] = Evaluate(child, closure);
        }
        // (μ + λ): the best of parents and children, parents first on ties.
        var pool = parents.Concat(children).ToArray();
        var scores = fitness.Concat(childFitness).ToArray();
        var order = Enumerable.Range(0, pool.Length).OrderBy(i => scores[i]).ThenBy(i => i).Take(o.Population).ToArray();
        var survivors = order.Select(i => pool[i]).ToArray();
        Store(survivors);
        Scatter(survivors[0]);
        return scores[order[0]];
    }

    private static double[][] Seed(double[] start, double[] sigma, GeneticOptimizerOptions o)
    {
        var population = new double[o.Population][];
        population[0] = start;
        for (int k = 1; k < population.Length; k++)
        {
            var rng = Stream(o.Seed, -1, k);
            population[k] = start.Select((v, i) => v + sigma[i] * rng.NextNormal()).ToArray();
        }
        return population;
    }

    private static int Tournament(double[] fitness, int size, Generator rng)
    {
        int best = (int)rng.NextInt64(fitness.Length);
        for (int k = 1; k < size; k++)
        {
            int other = (int)rng.NextInt64(fitness.Length);
            if (fitness[other] < fitness[best]) best = other;
        }
        return best;
    }

    // The population from the parameters' states (after earlier steps or a loaded state dict), or null before the first step.
    private double[][]? Load(int size)
    {
        var slices = Enumerable.Range(0, Parameters.Count).Select(i => StateAt(i).Population).ToArray();
        if (slices.Any(s => s is null)) return null;
        var population = new double[size][];
        for (int k = 0; k < size; k++) population[k] = new double[Length];
        int offset = 0;
        for (int i = 0; i < slices.Length; i++)
        {
            var values = slices[i]!.ToDoubleArray();
            int n = Parameters[i].Numel;
            if (values.Length != size * n)
                throw new InvalidOperationException($"GA: the stored population of parameter {i} has {values.Length / Math.Max(1, n)} individuals, the options say {size}.");
            for (int k = 0; k < size; k++) Array.Copy(values, k * n, population[k], offset, n);
            offset += n;
        }
        return population;
    }

    private void Store(double[][] population)
    {
        using var persistent = StepScope.Suspend();
        int offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            int n = p.Numel;
            var values = new double[population.Length * n];
            for (int k = 0; k < population.Length; k++) Array.Copy(population[k], offset, values, k * n, n);
            var state = StateAt(i);
            state.Population = Tensor.FromArray(values, [population.Length, .. p.Shape.ToArray()]).To(p.DType);
            state.Step++;
            offset += n;
        }
    }
}
