using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Random search over architectures without duplicates: each trial draws a candidate uniformly decision by decision and
/// redraws while its architecture equals one already evaluated or running (Li &amp; Talwalkar 2019 show random search is a
/// strong baseline for architecture search).
/// </summary>
public sealed class RandomArchitectureSampler(ArchitectureSpace space, long? seed = null) : ArchitectureSampler(space, seed)
{
    /// <inheritdoc/>
    protected override Plan Propose(Study study, FrozenTrial trial, TuningRandom rng)
    {
        var seen = EvaluatedKeys(study);
        var (decisions, key, _) = Complete(RandomDecisions(rng), rng);
        for (int redraw = 0; redraw < MaxRedraws && seen.Contains(key); redraw++) (decisions, key, _) = Complete(RandomDecisions(rng), rng);
        return new Plan(decisions, []);
    }
}
