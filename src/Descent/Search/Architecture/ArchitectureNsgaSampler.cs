using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Multi-objective architecture search by NSGA-II (Deb et al. 2002), as a steady-state algorithm over planned
/// candidates (Lu et al.'s NSGA-Net, GECCO 2019, searches architectures this way): once <c>population</c> trials are
/// complete, the parents are the elite of all complete trials (non-dominated sorting, then crowding distance); a child
/// takes two parents by binary tournament on dominance, crosses their decisions uniformly, and mutates one decision
/// (<see cref="ArchitectureMutation"/>); duplicates of evaluated architectures are redrawn. The objectives are the
/// study's, e.g. validation accuracy (maximized) and parameters, MACs or latency (minimized).
/// </summary>
public sealed class ArchitectureNsgaSampler : ArchitectureSampler
{
    private readonly int _population;
    private readonly double _crossoverProb;

    /// <summary>Creates the strategy.</summary>
    public ArchitectureNsgaSampler(ArchitectureSpace space, long? seed = null, int population = 10, double crossoverProb = 0.9) : base(space, seed)
    {
        if (population < 2) throw new ArgumentException($"population must be at least 2, got {population}", nameof(population));
        if (!(crossoverProb is >= 0 and <= 1)) throw new ArgumentException($"crossoverProb must be in [0, 1], got {crossoverProb}", nameof(crossoverProb));
        (_population, _crossoverProb) = (population, crossoverProb);
    }

    /// <inheritdoc/>
    protected override Plan Propose(Study study, FrozenTrial trial, TuningRandom rng)
    {
        var seen = EvaluatedKeys(study);
        var complete = study.GetTrials(TrialState.Complete).Where(t => t.HasFiniteValues(study.Directions.Count)).OrderBy(t => t.Number).ToList();
        if (complete.Count < _population)
        {
            var (decisions, key, _) = Complete(RandomDecisions(rng), rng);
            for (int redraw = 0; redraw < MaxRedraws && seen.Contains(key); redraw++) (decisions, key, _) = Complete(RandomDecisions(rng), rng);
            return new Plan(decisions, []);
        }
        var parents = NsgaSelection.SelectElite(complete, _population, study.Directions, constrained: false);
        FrozenTrial Tournament()
        {
            var a = parents[rng.NextInt(parents.Count)];
            var b = parents[rng.NextInt(parents.Count)];
            return NsgaSelection.Dominates(a, b, study.Directions, constrained: false) ? a : b;
        }
        Dictionary<string, double> child = [];
        List<int> lineage = [];
        string? mutated = null;
        for (int redraw = 0; redraw <= MaxRedraws; redraw++)
        {
            var first = Tournament();
            var second = Tournament();
            bool cross = rng.NextDouble() < _crossoverProb && second.Number != first.Number;
            var mixed = cross ? ArchitectureMutation.Cross(first.InternalParams, second.InternalParams, rng) : new Dictionary<string, double>(first.InternalParams);
            var distributions = new Dictionary<string, Distribution>(second.Distributions, StringComparer.Ordinal);
            foreach (var (k, d) in first.Distributions) distributions[k] = d;
            var (plan, decision) = ArchitectureMutation.Mutate(mixed, distributions, rng);
            var (decisions, key, _) = Complete(plan, rng);
            (child, mutated, lineage) = (decisions, decision, cross ? [first.Number, second.Number] : [first.Number]);
            if (!seen.Contains(key)) break;
        }
        return new Plan(child, lineage, mutated);
    }
}
