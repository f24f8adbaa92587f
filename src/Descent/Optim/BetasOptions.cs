namespace Descent.Optim;

/// <summary>
/// The hyperparameters shared by the Adam-family optimizers that PyTorch configures with <c>betas</c>, <c>eps</c>,
/// <c>weight_decay</c> and <c>maximize</c> (Adam, AdamW, Adamax, NAdam, RAdam): their declarations, β₁ as the schedulable
/// momentum, and PyTorch's key order (<see cref="Declare"/>).
/// </summary>
public abstract record BetasOptions : OptimizerOptions
{
    private static readonly Hyperparameter<BetasOptions, double> Beta1Hyperparameter =
        Hyperparameter.Number<BetasOptions>("beta1", o => o.Beta1, (o, v) => o.Beta1 = v, ValueRange.HalfOpenUnit);

    private static readonly Hyperparameter<BetasOptions, double> Beta2Hyperparameter =
        Hyperparameter.Number<BetasOptions>("beta2", o => o.Beta2, (o, v) => o.Beta2 = v, ValueRange.HalfOpenUnit);

    private static readonly Hyperparameter<BetasOptions, double> EpsHyperparameter =
        Hyperparameter.Number<BetasOptions>("eps", o => o.Eps, (o, v) => o.Eps = v, ValueRange.Positive);

    private static readonly Hyperparameter<BetasOptions, bool> MaximizeHyperparameter =
        Hyperparameter.Flag<BetasOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v);

    /// <summary>Sets the shared hyperparameters (validated against <see cref="OptimizerOptions.OptimizerName"/>).</summary>
    protected BetasOptions(double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize)
        : base(lr, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Maximize = maximize;
    }

    /// <summary>The declaration of <c>betas</c>: the pair [beta1, beta2], each in [0, 1).</summary>
    public static Hyperparameter<BetasOptions, (double First, double Second)> BetasHyperparameter { get; } =
        Hyperparameter.Pair("betas", Beta1Hyperparameter, Beta2Hyperparameter);

    /// <summary>β₁ in [0, 1): decay of the first moment.</summary>
    public double Beta1
    {
        get;
        set => field = Beta1Hyperparameter.Check(this, value);
    }

    /// <summary>β₂ in [0, 1): decay of the second moment (Adamax: of the infinity norm).</summary>
    public double Beta2
    {
        get;
        set => field = Beta2Hyperparameter.Check(this, value);
    }

    /// <summary>ε &gt; 0 added to the denominator.</summary>
    public double Eps
    {
        get;
        set => field = EpsHyperparameter.Check(this, value);
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

    /// <summary>
    /// PyTorch's order for the family: <c>lr, betas, eps, weight_decay</c>, then <paramref name="extras"/> (amsgrad,
    /// momentum_decay, …), then <c>maximize</c>.
    /// </summary>
    protected static HyperparameterSet Declare(params Hyperparameter[] extras) =>
        new([LrHyperparameter, BetasHyperparameter, EpsHyperparameter, WeightDecayHyperparameter, .. extras, MaximizeHyperparameter]);
}
