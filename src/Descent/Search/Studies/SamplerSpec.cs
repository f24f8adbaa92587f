using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// Builds the sampler named in a study file: <c>sampler: tpe</c> or <c>sampler: {name: tpe, seed: 1, multivariate: true}</c>.
/// Option names are Optuna's constructor arguments in snake_case (plus TPE's <c>magic_clip_exponent</c>,
/// <c>min_bandwidth_factor</c>, <c>improvement_weights</c> and <c>bandwidth</c> from Watanabe 2023), defaulting to the
/// samplers' option records (Optuna's defaults except where <see cref="TpeOptions"/> says otherwise).
/// </summary>
public static class SamplerSpec
{
    /// <summary>The sampler names a study file may use.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tpe", "random", "grid", "qmc", "gp", "cmaes", "nsga2", "ga", "sa"];

    // `sampler: tpe` without options gets the same settings as no sampler section (TpeOptions' defaults).
    private static readonly TpeOptions DefaultTpe = new();

    /// <summary>
    /// Creates the sampler under <paramref name="node"/> (null → TPE). <paramref name="seed"/> (the command line's
    /// <c>--seed</c>) replaces the file's <c>seed</c> when given, as the other command-line options replace the file's
    /// settings; <paramref name="parameters"/> defines the grid for the grid sampler.
    /// </summary>
    public static ISampler Create(ConfigNode? node, long? seed, IReadOnlyList<SearchParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (node is null) return new TpeSampler(seed);
        string name;
        ConfigNode? options = null;
        if (node.IsScalar) name = node.AsChoice([.. Names]);
        else
        {
            options = node;
            name = node.Required("name").AsChoice([.. Names]);
        }
        long? fileSeed = options?.Get("seed") is { } seedNode ? seedNode.AsInt() : null;
        long? s = seed ?? fileSeed;
        ISampler sampler = name switch
        {
            "tpe" => new TpeSampler(new TpeOptions
            {
                Seed = s,
                NStartupTrials = NonNegative(options, "n_startup_trials", 10),
                NEiCandidates = Positive(options, "n_ei_candidates", 24),
                PriorWeight = options?.Double("prior_weight", 1.0) ?? 1.0,
                ConsiderMagicClip = options?.Bool("consider_magic_clip", true) ?? true,
                MagicClipExponent = InRange(options, "magic_clip_exponent", DefaultTpe.MagicClipExponent, 0, double.PositiveInfinity),
                MinBandwidthFactor = InRange(options, "min_bandwidth_factor", DefaultTpe.MinBandwidthFactor, 0, 1),
                ImprovementWeights = options?.Bool("improvement_weights", DefaultTpe.ImprovementWeights) ?? DefaultTpe.ImprovementWeights,
                Bandwidth = options?.Get("bandwidth") is { } bandwidth
                    ? bandwidth.AsChoice("neighbour_gaps", "scott", "optuna") switch
                    {
                        "scott" => TpeBandwidth.Scott,
                        "optuna" => TpeBandwidth.Optuna,
                        _ => TpeBandwidth.NeighbourGaps,
                    }
                    : DefaultTpe.Bandwidth,
                ConsiderEndpoints = options?.Bool("consider_endpoints", false) ?? false,
                Multivariate = options?.Bool("multivariate", DefaultTpe.Multivariate) ?? DefaultTpe.Multivariate,
                Group = options?.Bool("group", false) ?? false,
                ConstantLiar = options?.Bool("constant_liar", false) ?? false,
            }),
            "random" => new RandomSampler(s),
            "grid" => new GridSampler(Grid(node, parameters), s ?? 0),
            "qmc" => new QmcSampler(s, options?.Bool("scramble", true) ?? true),
            "gp" => new GpSampler(new GpOptions
            {
                Seed = s,
                NStartupTrials = NonNegative(options, "n_startup_trials", 10),
                DeterministicObjective = options?.Bool("deterministic_objective", false) ?? false,
            }),
            "cmaes" => new CmaEsSampler(new CmaEsOptions
            {
                Seed = s,
                Sigma0 = options?.Get("sigma0")?.AsDouble(),
                NStartupTrials = NonNegative(options, "n_startup_trials", 1),
                PopulationSize = options?.Get("popsize")?.AsInt(),
                RestartStrategy = (options?.Choice("restart_strategy", "ipop", "ipop", "none") ?? "ipop") == "ipop"
                    ? CmaRestartStrategy.Ipop : CmaRestartStrategy.None,
                IncPopSize = Positive(options, "inc_popsize", 2),
            }),
            "nsga2" => new NsgaIISampler(new NsgaIIOptions
            {
                Seed = s,
                PopulationSize = Positive(options, "population_size", 50),
                MutationProb = options?.Get("mutation_prob")?.AsDouble(),
                CrossoverProb = options?.Double("crossover_prob", 0.9) ?? 0.9,
                SwappingProb = options?.Double("swapping_prob", 0.5) ?? 0.5,
                Crossover = (options?.Choice("crossover", "uniform", "uniform", "sbx") ?? "uniform") == "sbx"
                    ? NsgaCrossover.Sbx : NsgaCrossover.Uniform,
            }),
            "ga" => Genetic(options, s),
            "sa" => Annealing(options, s),
            _ => throw node.Error($"unknown sampler '{name}'"),
        };
        options?.RejectUnknownKeys();
        return sampler;
    }

    // pymoo's GA options in snake_case (docs/tuning.md §3).
    private static GeneticSampler Genetic(ConfigNode? o, long? seed)
    {
        var defaults = new GeneticAlgorithmOptions();
        var operators = new RealCodedOptions();
        var options = new GeneticAlgorithmOptions
        {
            Seed = seed,
            PopulationSize = Positive(o, "population_size", defaults.PopulationSize),
            OffspringCount = o?.Get("offspring") is not null ? Positive(o, "offspring", 1) : null,
            TournamentSize = Positive(o, "tournament", defaults.TournamentSize),
            CrossoverProb = InRange(o, "crossover_prob", defaults.CrossoverProb, 0, 1),
            MutationProb = InRange(o, "mutation_prob", defaults.MutationProb, 0, 1),
            EliminateDuplicates = o?.Bool("eliminate_duplicates", true) ?? true,
            Survival = (o?.Choice("survival", "mu_plus_lambda", "mu_plus_lambda", "generational") ?? "mu_plus_lambda") == "generational"
                ? GeneticSurvival.Generational : GeneticSurvival.MuPlusLambda,
            EliteCount = NonNegative(o, "elites", defaults.EliteCount),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw (o ?? throw new DescentInternalException("default GA options are invalid")).Error(e.Message);
        }
        return new GeneticSampler(options, new RealCodedOptions
        {
            CrossoverEta = InRange(o, "crossover_eta", operators.CrossoverEta, double.Epsilon, double.PositiveInfinity),
            MutationEta = InRange(o, "mutation_eta", operators.MutationEta, double.Epsilon, double.PositiveInfinity),
            MutationGeneProb = o?.Get("mutation_gene_prob") is not null ? InRange(o, "mutation_gene_prob", 0, 0, 1) : null,
        });
    }

    // scipy's dual_annealing names where they exist (initial_temp, restart_temp_ratio, visit, accept, no_local_search).
    private static AnnealingSampler Annealing(ConfigNode? o, long? seed)
    {
        var d = new AnnealingOptions();
        return new AnnealingSampler(new AnnealingOptions
        {
            Seed = seed,
            Visit = (o?.Choice("visiting", "tsallis", "tsallis", "gaussian", "cauchy") ?? "tsallis") switch
            {
                "gaussian" => AnnealingVisit.Gaussian,
                "cauchy" => AnnealingVisit.Cauchy,
                _ => AnnealingVisit.Tsallis,
            },
            VisitingParameter = InRange(o, "visit", d.VisitingParameter, 1 + 1e-9, 3 - 1e-9),
            StepScale = InRange(o, "step_scale", d.StepScale, double.Epsilon, double.PositiveInfinity),
            Cooling = (o?.Choice("cooling", "tsallis", "tsallis", "geometric", "logarithmic") ?? "tsallis") switch
            {
                "geometric" => AnnealingCooling.Geometric,
                "logarithmic" => AnnealingCooling.Logarithmic,
                _ => AnnealingCooling.Tsallis,
            },
            CoolingRate = InRange(o, "cooling_rate", d.CoolingRate, 1e-9, 1 - 1e-9),
            Acceptance = (o?.Choice("acceptance", "metropolis", "metropolis", "generalized") ?? "metropolis") == "generalized"
                ? AnnealingAcceptance.Generalized : AnnealingAcceptance.Metropolis,
            AcceptanceParameter = InRange(o, "accept", d.AcceptanceParameter, double.NegativeInfinity, -1),
            InitialTemperature = o?.Get("initial_temp") is { } t && t.Text == "auto" ? null : InRange(o, "initial_temp", d.InitialTemperature!.Value, double.Epsilon, double.PositiveInfinity),
            RestartTemperatureRatio = InRange(o, "restart_temp_ratio", d.RestartTemperatureRatio, 1e-12, 1 - 1e-9),
            Restart = (o?.Choice("restart", "random", "random", "best") ?? "random") == "best" ? AnnealingRestart.Best : AnnealingRestart.Random,
            LocalPolish = !(o?.Bool("no_local_search", false) ?? false),
        });
    }

    // Optuna's GridSampler needs every value listed: choices as they are, ints and stepped floats enumerated.
    private static Dictionary<string, IReadOnlyList<object?>> Grid(ConfigNode node, IReadOnlyList<SearchParameter> parameters)
    {
        var grid = new Dictionary<string, IReadOnlyList<object?>>(StringComparer.Ordinal);
        foreach (var p in parameters)
            grid[p.Name] = p.GridValues() ?? throw node.Error(
                $"the grid sampler needs a finite grid, but parameter '{p.Name}' is a continuous float (give it a step, or use choice)");
        return grid;
    }

    private static int Positive(ConfigNode? options, string key, int fallback)
    {
        var v = options?.Get(key) is { } n ? n.AsInt() : fallback;
        return v >= 1 ? v : throw options!.Get(key)!.Error($"must be at least 1, got {v}");
    }

    private static double InRange(ConfigNode? options, string key, double fallback, double low, double high)
    {
        var v = options?.Get(key) is { } n ? n.AsDouble() : fallback;
        if (v >= low && v <= high) return v;
        throw options!.Get(key)!.Error(double.IsPositiveInfinity(high) ? $"must be at least {low}, got {v}" : $"must be in [{low}, {high}], got {v}");
    }

    private static int NonNegative(ConfigNode? options, string key, int fallback)
    {
        var v = options?.Get(key) is { } n ? n.AsInt() : fallback;
        return v >= 0 ? v : throw options!.Get(key)!.Error($"must not be negative, got {v}");
    }
}
