namespace Descent.Optim;

/// <summary>
/// Hyperparameters of one parameter group, typed per optimizer (<see cref="AdamOptions"/>, <see cref="SgdOptions"/>, …)
/// with PyTorch's defaults. Setters validate and name the argument and its allowed range. Options are records, so a
/// group can override a few values of the defaults: <c>opt.AddParamGroup(head, opt.Defaults with { Lr = 0.1 })</c>.
/// Each record declares its hyperparameters once (<see cref="HyperparameterOptions.Hyperparameters"/>), which gives
/// reading and writing by PyTorch name (<see cref="HyperparameterOptions.ToDictionary"/>,
/// <see cref="HyperparameterOptions.Set"/>) as state dicts and configuration files use them. A record declared outside
/// this library (derive from this one, declare <see cref="LrHyperparameter"/>, <see cref="WeightDecayHyperparameter"/>
/// and its own) gets the same, and <see cref="OptimizerFactory.Register{TOptions}"/> makes it available by name.
/// </summary>
public abstract record OptimizerOptions : HyperparameterOptions
{
    /// <summary>Sets the common hyperparameters (validated).</summary>
    protected OptimizerOptions(double lr, double weightDecay)
    {
        Lr = lr;
        WeightDecay = weightDecay;
    }

    /// <summary>The declaration of <c>lr</c> (≥ 0), shared by every optimizer.</summary>
    public static Hyperparameter<OptimizerOptions, double> LrHyperparameter { get; } =
        Hyperparameter.Number<OptimizerOptions>("lr", o => o.Lr, (o, v) => o.Lr = v, ValueRange.NonNegative);

    /// <summary>The declaration of <c>weight_decay</c> (≥ 0), shared by every optimizer.</summary>
    public static Hyperparameter<OptimizerOptions, double> WeightDecayHyperparameter { get; } =
        Hyperparameter.Number<OptimizerOptions>("weight_decay", o => o.WeightDecay, (o, v) => o.WeightDecay = v, ValueRange.NonNegative);

    /// <summary>PyTorch's name of the optimizer these options belong to (used in messages).</summary>
    public abstract string OptimizerName { get; }

    /// <inheritdoc/>
    protected internal sealed override string OwnerName => OptimizerName;

    /// <summary>Learning rate (≥ 0). Schedulers write it every step.</summary>
    public double Lr
    {
        get;
        set => field = LrHyperparameter.Check(this, value);
    }

    /// <summary>
    /// Weight decay (≥ 0): added to the gradient as wd·θ (coupled L2) by every optimizer except AdamW, which
    /// multiplies θ by (1 − lr·wd) instead (decoupled). See docs/optimizers.md.
    /// </summary>
    public double WeightDecay
    {
        get;
        set => field = WeightDecayHyperparameter.Check(this, value);
    }

    /// <summary>
    /// True when the optimizer has a momentum-like hyperparameter that momentum-cycling schedules (OneCycleLR,
    /// CyclicLR) may write: SGD/RMSprop <c>momentum</c>, or β₁ of the Adam family (as PyTorch cycles <c>betas[0]</c>).
    /// </summary>
    public virtual bool HasMomentum => false;

    /// <summary>The momentum-like hyperparameter (see <see cref="HasMomentum"/>).</summary>
    public virtual double Momentum
    {
        get => throw new InvalidOperationException($"{OptimizerName} has no momentum or beta1 hyperparameter.");
        set => throw new InvalidOperationException($"{OptimizerName} has no momentum or beta1 hyperparameter.");
    }
}
