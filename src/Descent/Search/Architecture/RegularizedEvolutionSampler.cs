using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Regularized (aging) evolution (Real, Aggarwal, Huang &amp; Le, AAAI 2019, Algorithm 1): the population is the
/// <c>population</c> most recent complete trials (by trial number: the oldest dies as each new one joins); the first
/// <c>population</c> trials are random; every later one samples <c>sample</c> members at random, takes the best by the
/// study's first objective, and mutates one of its decisions (<see cref="ArchitectureMutation"/>), redrawing the mutation
/// while the child duplicates an evaluated architecture. Asynchronous as in the paper: a worker breeds from whatever is
/// complete when its trial starts.
/// </summary>
public sealed class RegularizedEvolutionSampler : ArchitectureSampler
{
    private readonly int _population;
    private readonly int _sample;

    /// <summary>Creates the strategy (Real et al. use population 100 and sample 25 at 20 000 models; small budgets want less).</summary>
    public RegularizedEvolutionSampler(ArchitectureSpace space, long? seed = null, int population = 10, int sample = 3) : base(space, seed)
    {
        if (population < 2) throw new ArgumentException($"population must be at least 2, got {population}", nameof(population));
        if (sample < 1 || sample > population) throw new ArgumentException($"sample must be in [1, population = {population}], got {sample}", nameof(sample));
        _population = population;
        _sample = sample;
    }

    /// <inheritdoc/>
    protected override Plan Propose(Study study, FrozenTrial trial, TuningRandom rng)
    {
        var seen = EvaluatedKeys(study);
        var complete = study.GetTrials(TrialState.Complete).Where(t => t.Values is { Count: > 0 }).OrderBy(t => t.Number).ToList();
        if (complete.Count < _population)
        {
            var (decisions, key, _) = Complete(RandomDecisions(rng), rng);
            for (int redraw = 0; redraw < MaxRedraws && seen.Contains(key); redraw++) (decisions, key, _) = Complete(RandomDecisions(rng), rng);
            return new Plan(decisions, []);
        }
        var population = complete.Skip(complete.Count - _population).ToList();
        bool maximize = study.Directions[0] == StudyDirection.Maximize;
        FrozenTrial? parent = null;
        for (int i = 0; i < _sample; i++)
        {
            var member = population[rng.NextInt(population.Count)];
            if (parent is null || (maximize ? member.Values![0] > parent.Values![0] : member.Values![0] < parent.Values![0])) parent = member;
        }
        Dictionary<string, double> child = [];
        string? mutated = null;
        for (int redraw = 0; redraw <= MaxRedraws; redraw++)
        {
            var (plan, decision) = ArchitectureMutation.Mutate(parent!.InternalParams, parent.Distributions, rng);
            var (decisions, key, _) = Complete(plan, rng);
            (child, mutated) = (decisions, decision);
            if (!seen.Contains(key)) break;
        }
        return new Plan(child, [parent!.Number], mutated);
    }
}
