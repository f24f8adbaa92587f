using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Optim;

/// <summary>
/// Base of every optimizer: parameter groups, <see cref="ZeroGrad"/>, <see cref="Step()"/> and state dicts
/// (PyTorch's <c>torch.optim.Optimizer</c>). A step runs with grad mode off, skips parameters whose
/// <see cref="Tensor.Grad"/> is null, and updates each parameter with one fused pass over its memory.
/// </summary>
public abstract class Optimizer
{
    private protected readonly List<ParamGroup> Groups = [];
    private protected readonly Dictionary<Tensor, int> Ordinals = new(ReferenceEqualityComparer.Instance);
    private protected readonly List<Tensor> AllParams = [];

    // ParameterRemoval.Now when each parameter (by ordinal) was taken: a later removal means module surgery has
    // taken it out of the model since, and stepping it would be a wrong update.
    private readonly List<long> _takenAt = [];

    // Optimizers outside this assembly derive from Optimizer<TOptions, TState>, which owns the groups' registration,
    // the per-parameter state and the state dicts (docs/extending.md).
    private protected Optimizer()
    {
    }

    /// <summary>PyTorch's class name of the optimizer (e.g. "Adam"), stored in state dicts.</summary>
    public abstract string Name { get; }

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => Groups;

    /// <summary>Every parameter in ordinal order (the order of the groups, then within each group).</summary>
    public IReadOnlyList<Tensor> Parameters => AllParams;

    /// <summary>
    /// Resets every parameter's gradient. By default the gradient tensors are kept and read as zeros (PyTorch
    /// 1.13's default), so steady-state steps allocate nothing; with <paramref name="setToNone"/> they are dropped
    /// (PyTorch 2's default), which makes the next step skip parameters that receive no gradient.
    /// </summary>
    /// <remarks>
    /// The zeroing is deferred: <see cref="Tensor.Grad"/> clears its memory when it is next read, and a backward pass
    /// that comes first writes its result over the stale values instead of adding to zeros. Read gradients through
    /// <see cref="Tensor.Grad"/> after this call; a reference to the gradient tensor taken before it still holds the
    /// old values until then (as with PyTorch 2's set_to_none).
    /// </remarks>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in AllParams)
        {
            if (setToNone) p.Grad = null;
            else p.ZeroGradDeferred();
        }
    }

    /// <summary>
    /// Whether <see cref="Step()"/> reads gradients. A gradient-free optimizer (<see cref="GeneticOptimizer"/>,
    /// <see cref="AnnealingOptimizer"/>) judges candidates by the loss instead and must be stepped with a closure.
    /// </summary>
    public virtual bool RequiresGradients => true;

    /// <summary>
    /// PyTorch's <c>step(closure)</c>: <paramref name="closure"/> evaluates the loss at the parameters' current values. A
    /// gradient method evaluates it once and then takes its usual step (the caller has run backward); a gradient-free one
    /// calls it for every candidate it tries. Returns the loss (for a gradient-free optimizer, that of the parameters it
    /// leaves in place).
    /// </summary>
    public virtual double Step(Func<double> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        double loss = closure();
        Step();
        return loss;
    }

    /// <summary>
    /// Applies one update to every parameter that has a gradient. Runs with grad mode off; new state is allocated
    /// outside any active step scope (it lives as long as the optimizer).
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer is gradient-free: use <see cref="Step(Func{double})"/>.</exception>
    public void Step()
    {
        if (!RequiresGradients)
            throw new InvalidOperationException($"{Name} is gradient-free: it evaluates the loss itself, so call Step(closure) with a function returning the loss.");
        using var noGrad = GradMode.Disable();
        using var persistent = StepScope.Suspend();
        for (int gi = 0; gi < Groups.Count; gi++)
        {
            var group = Groups[gi];
            group.Options.Validate();
            var ps = group.ParamArray;
            for (int i = 0; i < ps.Length; i++)
            {
                var p = ps[i];
                if (p.Removal is { } removal && removal.Stamp > _takenAt[group.FirstOrdinal + i])
                    throw RemovedParameter(group.FirstOrdinal + i, p, removal);
                var g = p.Grad;
                if (g is null) continue;
                if (g.Shape != p.Shape || g.DType != p.DType)
                    throw new InvalidOperationException(
                        $"{Name}.Step: parameter {group.FirstOrdinal + i} is {p.DType.TorchName()} {p.Shape} but its gradient is " +
                        $"{g.DType.TorchName()} {g.Shape}; they must match.");
                StepParameter(group, group.FirstOrdinal + i, p, g);
            }
        }
    }

    private InvalidOperationException RemovedParameter(int ordinal, Tensor p, ParameterRemoval removal) =>
        new($"{Name}.Step: parameter {ordinal} ('{p.Name}', {p.DType.TorchName()} {p.Shape}) no longer belongs to the model: " +
            $"{removal.Reason}. An optimizer keeps the tensors it was built with, so after module surgery build a new " +
            "optimizer over the model's current Parameters().");

    /// <summary>
    /// Updates one parameter (state creation included); <paramref name="grad"/> has the parameter's shape and dtype.
    /// <see cref="Optimizer{TOptions, TState}"/> implements it with typed options and per-parameter state.
    /// </summary>
    protected abstract void StepParameter(ParamGroup group, int ordinal, Tensor param, Tensor grad);

    /// <summary>Copies of the per-parameter state and every group's hyperparameters (see <see cref="OptimizerStateDict"/>).</summary>
    public abstract OptimizerStateDict StateDict();

    /// <summary>
    /// Restores state and hyperparameters saved by <see cref="StateDict"/> of an optimizer of the same type built
    /// over parameters of the same shapes, in the same group layout. Everything is validated before anything is
    /// changed, so a rejected dict leaves this optimizer as it was.
    /// </summary>
    public abstract void LoadStateDict(OptimizerStateDict stateDict);

    /// <summary>Adds a group over <paramref name="parameters"/>; null options copy the defaults.</summary>
    public abstract void AddParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null);

    /// <summary>Validates a new group's parameters (float leaves, not already in a group, no duplicates).</summary>
    private protected Tensor[] CheckNewParams(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < list.Length; i++)
        {
            var p = list[i] ?? throw new ArgumentException($"{Name}: parameter {i} of the group is null.", nameof(parameters));
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"{Name}: can only optimize float32/float64 tensors, parameter {i} is {p.DType.TorchName()}.", nameof(parameters));
            if (!p.IsLeaf)
                throw new ArgumentException($"{Name}: can't optimize a non-leaf tensor (parameter {i} was produced by {p.GradFn!.Name}).", nameof(parameters));
            if (!seen.Add(p))
                throw new ArgumentException($"{Name}: parameter {i} appears twice in the same group.", nameof(parameters));
            if (Ordinals.ContainsKey(p))
                throw new ArgumentException($"{Name}: some parameters appear in more than one parameter group (parameter {i} of the new group).", nameof(parameters));
        }
        return list;
    }

    private protected void Register(ParamGroup group)
    {
        foreach (var p in group.ParamArray)
        {
            Ordinals.Add(p, AllParams.Count);
            AllParams.Add(p);
            _takenAt.Add(ParameterRemoval.Now);
        }
        Groups.Add(group);
    }
}
