using Descent.Optim;
using Descent.Tensors;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// Hyperparameters of <see cref="Lion"/>, with the defaults of Chen et al. 2023 (lr 1e-4, betas (0.9, 0.99),
/// weight_decay 0). Each is declared once (<see cref="Hyperparameters"/>): that gives state dicts, <c>Set</c> by the
/// PyTorch-style names <c>lr</c>, <c>betas</c> and <c>weight_decay</c>, validation, printing, configuration files and
/// <c>descent tune</c> checks; <see cref="Lion.Register"/> makes the optimizer available by name.
/// </summary>
public sealed record LionOptions : OptimizerOptions
{
    private static readonly Hyperparameter<LionOptions, double> Beta1Hyperparameter =
        Hyperparameter.Number<LionOptions>("beta1", o => o.Beta1, (o, v) => o.Beta1 = v, ValueRange.HalfOpenUnit);

    private static readonly Hyperparameter<LionOptions, double> Beta2Hyperparameter =
        Hyperparameter.Number<LionOptions>("beta2", o => o.Beta2, (o, v) => o.Beta2 = v, ValueRange.HalfOpenUnit);

    // The order of lion-pytorch's param_groups: lr, betas, weight_decay.
    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter, Hyperparameter.Pair("betas", Beta1Hyperparameter, Beta2Hyperparameter), WeightDecayHyperparameter);

    /// <summary>Creates Lion options (validated).</summary>
    public LionOptions(double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : base(lr, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Lion";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>β₁ in [0, 1): weight of the momentum in the interpolation whose sign is the update.</summary>
    public double Beta1
    {
        get;
        set => field = Beta1Hyperparameter.Check(this, value);
    }

    /// <summary>β₂ in [0, 1): decay of the momentum.</summary>
    public double Beta2
    {
        get;
        set => field = Beta2Hyperparameter.Check(this, value);
    }

    /// <summary>β₁ is the momentum that cycling schedules (OneCycleLR, CyclicLR) write, as for Adam.</summary>
    public override bool HasMomentum => true;

    /// <inheritdoc/>
    public override double Momentum
    {
        get => Beta1;
        set => Beta1 = value;
    }
}

/// <summary>State of one parameter under <see cref="Lion"/>: the step count and the momentum m (<c>exp_avg</c>).</summary>
public sealed class LionState : ParamState
{
    /// <summary>The momentum m (<c>exp_avg</c>), an exponential moving average of the gradients with β₂.</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <inheritdoc/>
    protected override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("exp_avg", ExpAvg);
    }

    /// <inheritdoc/>
    protected override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        ExpAvg = reader.Tensor("exp_avg");
    }

    /// <summary>One Lion update of <paramref name="param"/> (float32 or float64, like its gradient and momentum).</summary>
    internal void Update(Tensor param, Tensor grad, LionOptions o)
    {
        Step++;
        if (param.DType == DType.Float32)
            Update(param.Span<float>(), grad.Span<float>(), ExpAvg.Span<float>(), (float)o.Lr, (float)o.WeightDecay, (float)o.Beta1, (float)o.Beta2);
        else
            Update(param.Span<double>(), grad.Span<double>(), ExpAvg.Span<double>(), o.Lr, o.WeightDecay, o.Beta1, o.Beta2);
    }

    // Chen et al. 2023, Algorithm 2 (and the authors' lion-pytorch): decoupled decay θ ← θ·(1 − lr·λ), then
    // θ ← θ − lr·sign(β₁·m + (1 − β₁)·g), then m ← β₂·m + (1 − β₂)·g. sign(0) = 0, as torch.sign.
    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, T lr, T weightDecay, T beta1, T beta2)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T decay = T.One - lr * weightDecay;
        for (int i = 0; i < p.Length; i++)
        {
            T c = beta1 * m[i] + (T.One - beta1) * g[i];
            p[i] = p[i] * decay - lr * T.CreateTruncating(T.Sign(c));
            m[i] = beta2 * m[i] + (T.One - beta2) * g[i];
        }
    }
}

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): the update is
/// the sign of an interpolation between the momentum and the gradient, so every coordinate moves by ±lr; it keeps one
/// moment (half of Adam's memory). Use a learning rate 3–10× smaller and a weight decay 3–10× larger than AdamW's.
/// Written outside the library on <see cref="Optimizer{TOptions, TState}"/>, which supplies parameter groups, state
/// dicts, schedules, clipping and checkpoint/resume.
/// </summary>
public sealed class Lion : Optimizer<LionOptions, LionState>
{
    /// <summary>Creates Lion over <paramref name="parameters"/> (default options when null).</summary>
    public Lion(IEnumerable<Tensor> parameters, LionOptions? options = null) : base(parameters, options ?? new LionOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "Lion";

    /// <summary>
    /// Makes Lion available by name (any case) to <c>OptimizerFactory</c>, experiment files
    /// (<c>optimizer: {name: lion, lr: 3e-4, betas: [0.9, 0.99]}</c>) and <c>descent tune</c> search spaces. Calling it
    /// again does nothing.
    /// </summary>
    public static void Register() =>
        OptimizerFactory.Register("Lion", () => new LionOptions(), (parameters, options) => new Lion(parameters, options));

    /// <inheritdoc/>
    protected override LionState CreateState(Tensor param, LionOptions options) => new() { ExpAvg = ZerosLike(param) };

    /// <inheritdoc/>
    protected override LionState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, LionState state, LionOptions options) =>
        state.Update(param, grad, options);
}
