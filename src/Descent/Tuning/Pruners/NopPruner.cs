namespace Descent.Tuning;

/// <summary>Never prunes (Optuna's <c>NopPruner</c>).</summary>
public sealed class NopPruner : IPruner
{
    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial) => false;
}
