using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// A list of parameters optimized with the same hyperparameters (PyTorch's param group). The options object
/// belongs to this group alone, so changing it (as a scheduler does with <see cref="Lr"/>) affects only it.
/// </summary>
public class ParamGroup
{
    private readonly Tensor[] _params;

    internal ParamGroup(Tensor[] parameters, OptimizerOptions options, int firstOrdinal)
    {
        _params = parameters;
        Options = options;
        FirstOrdinal = firstOrdinal;
    }

    /// <summary>The parameters, in the order given (their ordinals in the state dict follow this order).</summary>
    public IReadOnlyList<Tensor> Params => _params;

    /// <summary>This group's hyperparameters.</summary>
    public OptimizerOptions Options { get; internal set; }

    /// <summary>Learning rate of the group (shortcut for <c>Options.Lr</c>).</summary>
    public double Lr
    {
        get => Options.Lr;
        set => Options.Lr = value;
    }

    /// <summary>
    /// The learning rate the first scheduler attached to this optimizer started from (PyTorch's
    /// <c>initial_lr</c>); null until a scheduler is created. Schedules are functions of this base value.
    /// </summary>
    public double? InitialLr { get; set; }

    /// <summary>Ordinal of the first parameter of this group among all of the optimizer's parameters.</summary>
    public int FirstOrdinal { get; }

    internal Tensor[] ParamArray => _params;
}

/// <summary>A <see cref="ParamGroup"/> whose options have the optimizer's own type.</summary>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public sealed class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
{
    internal ParamGroup(Tensor[] parameters, TOptions options, int firstOrdinal) : base(parameters, options, firstOrdinal)
    {
    }

    /// <summary>This group's hyperparameters, typed.</summary>
    public new TOptions Options => (TOptions)base.Options;
}
