using System.Diagnostics;
using Descent.Tuning;

namespace Descent.Benchmarks;

/// <summary>A black-box test problem over the box [<paramref name="Low"/>, <paramref name="High"/>]^<paramref name="Dimensions"/> (all objectives minimized).</summary>
/// <param name="Name">Name (e.g. <c>rastrigin10</c>).</param>
/// <param name="Dimensions">Number of variables, named x0, x1, … in studies.</param>
/// <param name="Low">Lower bound of every variable.</param>
/// <param name="High">Upper bound of every variable.</param>
/// <param name="Evaluate">The objective vector at a point.</param>
/// <param name="Reference">Hypervolume reference point of a multi-objective problem (null for one objective).</param>
/// <param name="Front">Samples of the true Pareto front, for IGD (null for one objective).</param>
public sealed record BlackBoxProblem(string Name, int Dimensions, double Low, double High, Func<double[], double[]> Evaluate,
    double[]? Reference = null, IReadOnlyList<double[]>? Front = null)
{
    /// <summary>Whether the problem has several objectives.</summary>
    public bool IsMultiObjective => Reference is not null;
}

/// <summary>The outcome of one run: the best value found (one objective) or the hypervolume and IGD of the evaluated points (several).</summary>
public sealed record BlackBoxRun(double Best, double? Igd = null);

/// <summary>Time spent by a genetic algorithm per generation, outside the objective.</summary>
/// <param name="EngineMs">Milliseconds per generation in <see cref="GeneticAlgorithm{T}"/>'s Ask and Tell.</param>
/// <param name="SamplerMs">Milliseconds per generation inside <see cref="GeneticSampler"/> (every sampler call of a study's trials).</param>
/// <param name="StudyMs">Milliseconds per generation for the whole in-memory study (sampler, storage and objective).</param>
public sealed record GeneticOverhead(double EngineMs, double SamplerMs, double StudyMs);

/// <summary>
/// The measurements behind <c>descent bench blackbox</c> and bench/compare/blackbox.sh: the gradient-free optimizers
/// (genetic algorithm, simulated annealing, NSGA-II) on the standard test functions at a fixed number of evaluations,
/// and the genetic algorithm's overhead per generation. bench/compare/blackbox.py runs DEAP and SciPy on the same
/// problems (same bounds, same formulas as DEAP's <c>benchmarks</c> module).
/// </summary>
public static class BlackBoxBenchmark
{
    /// <summary>The problems: 10-D Rastrigin, Ackley, Rosenbrock, Griewank and Schwefel; ZDT1–3 with 30 variables; DTLZ2 with 3 objectives and 12 variables.</summary>
    public static IReadOnlyList<BlackBoxProblem> Problems { get; } =
    [
        new("rastrigin10", 10, -5.12, 5.12, x => [BenchmarkFunctions.Rastrigin(x)]),
        new("ackley10", 10, -32.768, 32.768, x => [BenchmarkFunctions.Ackley(x)]),
        new("rosenbrock10", 10, -5, 10, x => [BenchmarkFunctions.Rosenbrock(x)]),
        new("griewank10", 10, -600, 600, x => [BenchmarkFunctions.Griewank(x)]),
        new("schwefel10", 10, -500, 500, x => [BenchmarkFunctions.Schwefel(x)]),
        // DEAP's NSGA-II example: 30 variables in [0, 1], hypervolume against (11, 11).
        new("zdt1", 30, 0, 1, MultiObjectiveFunctions.Zdt1, [11, 11], MultiObjectiveFunctions.ZdtFront(1)),
        new("zdt2", 30, 0, 1, MultiObjectiveFunctions.Zdt2, [11, 11], MultiObjectiveFunctions.ZdtFront(2)),
        new("zdt3", 30, 0, 1, MultiObjectiveFunctions.Zdt3, [11, 11], MultiObjectiveFunctions.ZdtFront(3)),
        new("dtlz2", 12, 0, 1, x => MultiObjectiveFunctions.Dtlz2(x, 3), [2.5, 2.5, 2.5], MultiObjectiveFunctions.Dtlz2Front()),
    ];

    /// <summary>
    /// The methods: <c>ga</c> (<see cref="GeneticAlgorithm{T}"/>, pymoo's defaults), <c>sa</c> (<see cref="SimulatedAnnealing"/>
    /// with its polish), <c>sa-plain</c> (<see cref="AnnealingOptions.Plain"/>), <c>ga-sampler</c> and <c>sa-sampler</c> (the
    /// same algorithms as study samplers), <c>nsga2</c> (<see cref="NsgaIIOptions.Deb"/>, population 100), <c>nsga2-optuna</c>
    /// (Optuna's operators, population 100) and <c>random</c>.
    /// </summary>
    public static IReadOnlyList<string> Methods { get; } = ["ga", "sa", "sa-plain", "ga-sampler", "sa-sampler", "nsga2", "nsga2-optuna", "random"];

    private static readonly string[] MultiObjectiveMethods = ["nsga2", "nsga2-optuna", "random"];

    /// <summary>The problem called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists them).</exception>
    public static BlackBoxProblem Problem(string name) => Problems.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown problem '{name}' ({string.Join(", ", Problems.Select(p => p.Name))})", nameof(name));

    /// <summary>Whether <paramref name="method"/> runs on <paramref name="problem"/> (NSGA-II only on several objectives, the others only on one; random on both).</summary>
    public static bool Supports(string method, BlackBoxProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return method == "random" || MultiObjectiveMethods.Contains(method) == problem.IsMultiObjective;
    }

    /// <summary>One run of <paramref name="method"/> on <paramref name="problem"/> with <paramref name="evaluations"/> evaluations and <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">Unknown method, or one that does not run on the problem.</exception>
    public static BlackBoxRun Run(string method, BlackBoxProblem problem, int evaluations, long seed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(evaluations, 1);
        if (!Methods.Contains(method)) throw new ArgumentException($"unknown method '{method}' ({string.Join(", ", Methods)})", nameof(method));
        if (!Supports(method, problem)) throw new ArgumentException($"{method} does not run on {problem.Name}", nameof(method));
        var space = Space(problem);
        double Single(double[] x) => problem.Evaluate(x)[0];
        switch (method)
        {
            case "ga":
                return new(new GeneticAlgorithm<double[]>(new RealCodedOperators(space), new GeneticAlgorithmOptions { Seed = seed }).Minimize(Single, evaluations).Fitness);
            case "sa":
                return new(new SimulatedAnnealing(space, new AnnealingOptions { Seed = seed }).Minimize(Single, evaluations).Value);
            case "sa-plain":
                return new(new SimulatedAnnealing(space, AnnealingOptions.Plain with { Seed = seed }).Minimize(Single, evaluations).Value);
            case "random" when !problem.IsMultiObjective:
            {
                double best = double.PositiveInfinity;
                for (int i = 0; i < evaluations; i++) best = Math.Min(best, Single(space.Random(RandomStreams.For(seed, i))));
                return new(best);
            }
            default:
                return RunStudy(Sampler(method, seed), problem, evaluations);
        }
    }

    /// <summary><see cref="Run(string, BlackBoxProblem, int, long)"/> for seeds 0 … <paramref name="seeds"/> − 1, in seed order.</summary>
    public static BlackBoxRun[] RunSeeds(string method, BlackBoxProblem problem, int evaluations, int seeds)
    {
        var runs = new BlackBoxRun[seeds];
        for (int s = 0; s < seeds; s++) runs[s] = Run(method, problem, evaluations, (long)s);
        return runs;
    }

    /// <summary>
    /// The genetic algorithm's time per generation of <paramref name="population"/> on <paramref name="problem"/> (one
    /// objective), outside the objective: the engine's Ask + Tell, and the sampler's calls and the whole trial loop of an
    /// in-memory study running the same algorithm (generations <paramref name="generations"/> … 2·<paramref name="generations"/>,
    /// after as many for warm-up). Times are the thread's CPU time where the clock exists (Linux): on a machine shared
    /// with other jobs a wall clock charges this loop for the time the scheduler gives to others (at load average 80 on
    /// two cores, ~30× the CPU time). The engine runs at least a second of warm-up first (tiered JIT recompiles hot
    /// methods after ~100 ms), then <paramref name="repeat"/> measured runs of which the fastest is kept.
    /// </summary>
    public static GeneticOverhead MeasureGeneticOverhead(BlackBoxProblem problem, int population, int generations, int repeat = 5)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.IsMultiObjective) throw new ArgumentException($"{problem.Name} has several objectives", nameof(problem));
        ArgumentOutOfRangeException.ThrowIfLessThan(population, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 1);
        var space = Space(problem);
        Func<long> clock = ThreadCpuClock.Seconds() is null ? Stopwatch.GetTimestamp : () => (long)(ThreadCpuClock.Seconds()!.Value * Stopwatch.Frequency);
        double EngineRun(int seed)
        {
            var ga = new GeneticAlgorithm<double[]>(new RealCodedOperators(space), new GeneticAlgorithmOptions { PopulationSize = population, Seed = seed });
            long ticks = 0;
            for (int g = 0; g < 2 * generations; g++)
            {
                long t0 = clock();
                var batch = ga.Ask();
                long t1 = clock();
                var values = new double[batch.Count];
                for (int i = 0; i < values.Length; i++) values[i] = problem.Evaluate(batch[i])[0];
                long t2 = clock();
                ga.Tell(values);
                long t3 = clock();
                if (g >= generations) ticks += (t1 - t0) + (t3 - t2);
            }
            return Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / generations;
        }
        var warmUp = Stopwatch.StartNew();
        for (int r = 0; warmUp.Elapsed < TimeSpan.FromSeconds(1) || r < 2; r++) EngineRun(-1 - r);
        double engine = double.PositiveInfinity;
        for (int r = 0; r < repeat; r++) engine = Math.Min(engine, EngineRun(r));

        var timed = new TimedSampler(new GeneticSampler(new GeneticAlgorithmOptions { PopulationSize = population, Seed = 0 }), clock);
        var study = Study.Create(new StudyOptions { Sampler = timed, Pruner = new NopPruner() });
        var objective = Objective(problem);
        study.Optimize(t => objective(t)[0], nTrials: generations * population);
        long samplerBefore = timed.ElapsedTicks, studyStart = clock();
        study.Optimize(t => objective(t)[0], nTrials: generations * population);
        double studyMs = Stopwatch.GetElapsedTime(0, clock() - studyStart).TotalMilliseconds / generations;
        double samplerMs = Stopwatch.GetElapsedTime(0, timed.ElapsedTicks - samplerBefore).TotalMilliseconds / generations;
        return new GeneticOverhead(engine, samplerMs, studyMs);
    }

    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values) => TuningBenchmark.Median([.. values]);

    private static GeneSpace Space(BlackBoxProblem problem)
    {
        var space = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        for (int i = 0; i < problem.Dimensions; i++) space[Name(i, problem.Dimensions)] = new FloatDistribution(problem.Low, problem.High);
        return new GeneSpace(space);
    }

    // Zero-padded (x00 … x29 for 30 variables) so the names sort in index order, which is the genome's order.
    private static string Name(int i, int dimensions) =>
        "x" + i.ToString("D" + (dimensions - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length, System.Globalization.CultureInfo.InvariantCulture);

    private static Func<Trial, double[]> Objective(BlackBoxProblem problem) => trial =>
    {
        var x = new double[problem.Dimensions];
        for (int i = 0; i < x.Length; i++) x[i] = trial.SuggestFloat(Name(i, problem.Dimensions), problem.Low, problem.High);
        return problem.Evaluate(x);
    };

    private static ISampler Sampler(string method, long seed) => method switch
    {
        "ga-sampler" => new GeneticSampler(seed),
        "sa-sampler" => new AnnealingSampler(seed),
        "nsga2" => new NsgaIISampler(NsgaIIOptions.Deb with { Seed = seed, PopulationSize = 100 }),
        "nsga2-optuna" => new NsgaIISampler(new NsgaIIOptions { Seed = seed, PopulationSize = 100 }),
        _ => new RandomSampler(seed),
    };

    private static BlackBoxRun RunStudy(ISampler sampler, BlackBoxProblem problem, int evaluations)
    {
        var objective = Objective(problem);
        int objectives = problem.Reference?.Length ?? 1;
        var study = Study.Create(new StudyOptions
        {
            Sampler = sampler,
            Pruner = new NopPruner(),
            Directions = [.. Enumerable.Repeat(StudyDirection.Minimize, objectives)],
        });
        study.Optimize(t => objective(t), nTrials: evaluations);
        if (!problem.IsMultiObjective) return new(study.BestValue);
        var points = study.GetTrials(TrialState.Complete).Select(t => (IReadOnlyList<double>)t.Values!.ToArray()).ToList();
        var front = Indicators.NonDominated(points);
        return new(Indicators.Hypervolume(front, problem.Reference!), Indicators.InvertedGenerationalDistance(front, problem.Front!));
    }
}
