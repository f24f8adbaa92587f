namespace Descent.Optim;

/// <summary>
/// The hyperparameters shared by the Adam-family optimizers that PyTorch configures with <c>betas</c>, <c>eps</c>,
/// <c>weight_decay</c> and <c>maximize</c> (Adam, AdamW, Adamax, NAdam, RAdam): validation, β₁ as the schedulable momentum, and
/// the PyTorch names used by state dicts and configuration files.
/// </summary>
public abstract record BetasOptions : OptimizerOptions
{
    private double _beta1;
    private double _beta2;
    private double _eps;

    /// <summary>Sets the shared hyperparameters (validated against <see cref="OptimizerOptions.OptimizerName"/>).</summary>
    protected BetasOptions(double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize)
        : base(lr, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Maximize = maximize;
    }

    /// <summary>β₁ in [0, 1): decay of the first moment.</summary>
    public double Beta1
    {
        get => _beta1;
        set => _beta1 = OptionChecks.HalfOpenUnit(OptimizerName, "beta1", value);
    }

    /// <summary>β₂ in [0, 1): decay of the second moment (Adamax: of the infinity norm).</summary>
    public double Beta2
    {
        get => _beta2;
        set => _beta2 = OptionChecks.HalfOpenUnit(OptimizerName, "beta2", value);
    }

    /// <summary>ε &gt; 0 added to the denominator.</summary>
    public double Eps
    {
        get => _eps;
        set => _eps = OptionChecks.Positive(OptimizerName, "eps", value);
    }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }

    /// <inheritdoc/>
    public override bool HasMomentum => true;

    /// <summary>β₁ (written by momentum-cycling schedules).</summary>
    public override double Momentum
    {
        get => Beta1;
        set => Beta1 = value;
    }

    /// <inheritdoc/>
    protected override void Write(IDictionary<string, object> into)
    {
        into["lr"] = Lr;
        into["betas"] = new[] { Beta1, Beta2 };
        into["eps"] = Eps;
        into["weight_decay"] = WeightDecay;
        WriteExtras(into);
        into["maximize"] = Maximize;
    }

    /// <summary>Writes a derived optimizer's own hyperparameters (in PyTorch's order, before <c>maximize</c>).</summary>
    protected virtual void WriteExtras(IDictionary<string, object> into) { }

    /// <inheritdoc/>
    protected override bool TrySet(string name, object? value)
    {
        switch (name)
        {
            case "betas": (Beta1, Beta2) = Pair(name, value); return true;
            case "eps": Eps = Number(name, value); return true;
            case "maximize": Maximize = Flag(name, value); return true;
            default: return base.TrySet(name, value);
        }
    }
}
