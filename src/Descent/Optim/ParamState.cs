namespace Descent.Optim;

/// <summary>
/// An optimizer's long-lived state for one parameter (moment estimates, step count, …), created at the
/// parameter's first update outside any step scope. Subclasses — the built-in optimizers' and users' own (see
/// docs/extending.md) — list their entries under PyTorch's names through <see cref="Save"/> and <see cref="Load"/>,
/// which is all <see cref="Optimizer{TOptions, TState}"/> needs for state dicts and checkpoints.
/// </summary>
public abstract class ParamState
{
    /// <summary>Number of updates applied to this parameter (PyTorch's <c>step</c>); subclasses advance it.</summary>
    public long Step { get; protected internal set; }

    /// <summary>Writes this state under PyTorch's names (the writer copies tensors).</summary>
    protected internal abstract void Save(StateWriter writer);

    /// <summary>
    /// Reads this state from a state dict entry. The reader validates names, shapes and numbers, and the optimizer
    /// rejects entries that <see cref="Load"/> did not read, so a state saved by another optimizer fails clearly.
    /// </summary>
    protected internal abstract void Load(StateReader reader);
}
