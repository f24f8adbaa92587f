namespace Descent.Tuning;

/// <summary>
/// Decides from a running trial's intermediate values (and the study's other trials) whether to stop it
/// early (Optuna's <c>BasePruner</c>). Called by <see cref="Trial.ShouldPrune"/> with a fresh snapshot.
/// </summary>
public interface IPruner
{
    /// <summary>True when <paramref name="trial"/> should be pruned now.</summary>
    bool Prune(Study study, FrozenTrial trial);
}
