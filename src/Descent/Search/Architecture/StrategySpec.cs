using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Builds the search strategy named by <c>descent search --strategy</c> or a study file's <c>study.strategy</c>:
/// <c>strategy: evolution</c> or <c>strategy: {name: evolution, population: 10, sample: 3}</c>.
/// </summary>
public static class StrategySpec
{
    /// <summary>The strategy names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["random", "evolution", "reinforce", "nsga2"];

    /// <summary>
    /// The strategy of <paramref name="node"/> (or of <paramref name="name"/> when given, which wins; neither: evolution,
    /// or nsga2 for several objectives) over <paramref name="space"/>; <paramref name="seed"/> applies when the node gives none.
    /// </summary>
    /// <exception cref="ConfigException">Unknown name or option, a bad value, or nsga2 with one objective.</exception>
    public static ArchitectureSampler Create(ConfigNode? node, string? name, ArchitectureSpace space, long? seed, int objectives)
    {
        ArgumentNullException.ThrowIfNull(space);
        ConfigNode? o = node is { IsMapping: true } ? node : null;
        string chosen = name ?? (node is null ? (objectives > 1 ? "nsga2" : "evolution")
            : node.IsScalar ? node.AsChoice([.. Names]) : node.Required("name").AsChoice([.. Names]));
        if (!Names.Contains(chosen)) throw new ConfigException($"unknown strategy '{chosen}' ({string.Join(", ", Names)})");
        // Options belong to the file's strategy: when --strategy names another, the file's options are not read.
        if (o is not null && name is not null && o.Get("name")?.Text != name) o = null;
        long? s = o?.Get("seed") is { } seedNode ? seedNode.AsInt() : seed;
        ArchitectureSampler strategy = chosen switch
        {
            "random" => new RandomArchitectureSampler(space, s),
            "evolution" => Evolution(space, s, o),
            "reinforce" => new ReinforceSampler(space, s, Positive(o, "learning_rate", 0.1), NonNegative(o, "entropy", 0.01), Fraction(o, "baseline_decay", 0.9)),
            _ => objectives > 1
                ? new ArchitectureNsgaSampler(space, s, Count(o, "population", 10, 2), Fraction(o, "crossover_prob", 0.9, inclusive: true))
                : throw (node ?? o)?.Error("nsga2 searches several objectives: give study.metric a list such as [val_accuracy, parameters]")
                    ?? new ConfigException("nsga2 searches several objectives: give study.metric a list such as [val_accuracy, parameters]"),
        };
        o?.RejectUnknownKeys();
        return strategy;
    }

    private static RegularizedEvolutionSampler Evolution(ArchitectureSpace space, long? seed, ConfigNode? o)
    {
        int population = Count(o, "population", 10, 2), sample = Count(o, "sample", 3, 1);
        if (sample > population) throw o!.Required("sample").Error($"must be at most the population ({population}), got {sample}");
        return new RegularizedEvolutionSampler(space, seed, population, sample);
    }

    private static int Count(ConfigNode? o, string key, int fallback, int min)
    {
        if (o?.Get(key) is not { } n) return fallback;
        int v = n.AsInt();
        return v >= min ? v : throw n.Error($"must be at least {min}, got {v}");
    }

    private static double Positive(ConfigNode? o, string key, double fallback)
    {
        if (o?.Get(key) is not { } n) return fallback;
        double v = n.AsDouble();
        return v > 0 ? v : throw n.Error($"must be positive, got {v}");
    }

    private static double NonNegative(ConfigNode? o, string key, double fallback)
    {
        if (o?.Get(key) is not { } n) return fallback;
        double v = n.AsDouble();
        return v >= 0 ? v : throw n.Error($"must not be negative, got {v}");
    }

    private static double Fraction(ConfigNode? o, string key, double fallback, bool inclusive = false)
    {
        if (o?.Get(key) is not { } n) return fallback;
        double v = n.AsDouble();
        return v >= 0 && (inclusive ? v <= 1 : v < 1) ? v : throw n.Error($"must be in [0, 1{(inclusive ? "]" : ")")}, got {v}");
    }
}
