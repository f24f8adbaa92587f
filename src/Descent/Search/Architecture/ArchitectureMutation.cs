using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// The mutation of regularized evolution (Real et al. 2019: "randomly reselect one operation or connection"): one of the
/// parent's decisions, chosen uniformly among those with more than one value, takes another value drawn uniformly; the
/// decisions that change makes active (a block added by a larger count) are then drawn at random, and those it makes
/// inactive disappear.
/// </summary>
internal static class ArchitectureMutation
{
    /// <summary>The mutated plan and the name of the decision changed (null when no decision can change).</summary>
    public static (Dictionary<string, double> Plan, string? Decision) Mutate(IReadOnlyDictionary<string, double> parent,
        IReadOnlyDictionary<string, Distribution> distributions, TuningRandom rng)
    {
        var plan = new Dictionary<string, double>(parent, StringComparer.Ordinal);
        var candidates = parent.Keys.Where(k => distributions.TryGetValue(k, out var d) && !d.IsSingle).Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return (plan, null);
        string name = candidates[rng.NextInt(candidates.Count)];
        var dist = distributions[name];
        double current = parent[name], next = current;
        for (int attempt = 0; attempt < 100 && next == current; attempt++) next = RandomSampler.Sample(rng, dist);
        plan[name] = next;
        return (plan, name);
    }

    /// <summary>Uniform crossover of two parents' decisions (a decision only one parent has comes from it).</summary>
    public static Dictionary<string, double> Cross(IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second, TuningRandom rng)
    {
        var plan = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in first.Keys.Union(second.Keys).Order(StringComparer.Ordinal))
        {
            bool inFirst = first.TryGetValue(name, out var a), inSecond = second.TryGetValue(name, out var b);
            plan[name] = inFirst && inSecond ? (rng.NextDouble() < 0.5 ? a : b) : inFirst ? a : b;
        }
        return plan;
    }
}
