using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="NAdam"/> (PyTorch defaults).</summary>
public sealed record NAdamOptions : BetasOptions
{
    private static readonly Hyperparameter<NAdamOptions, double> MomentumDecayHyperparameter =
        Hyperparameter.Number<NAdamOptions>("momentum_decay", o => o.MomentumDecay, (o, v) => o.MomentumDecay = v, ValueRange.NonNegative);

    private static readonly HyperparameterSet Declared = Declare(MomentumDecayHyperparameter);

    /// <summary>Creates NAdam options.</summary>
    public NAdamOptions(double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3, bool maximize = false)
        : base(lr, beta1, beta2, eps, weightDecay, maximize)
    {
        MomentumDecay = momentumDecay;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "NAdam";

    /// <summary>PyTorch's order: lr, betas, eps, weight_decay, momentum_decay, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>ψ ≥ 0 in μₜ = β₁(1 − ½·0.96^(tψ)).</summary>
    public double MomentumDecay
    {
        get;
        set => field = MomentumDecayHyperparameter.Check(this, value);
    }
}

/// <summary>State of one parameter under <see cref="NAdam"/>.</summary>
public sealed class NAdamState : ParamState
{
    /// <summary>Product μ₁·…·μₜ of the momentum schedule so far (<c>mu_product</c>, starts at 1).</summary>
    public double MuProduct { get; internal set; } = 1;

    /// <summary>First moment (<c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <summary>Second moment (<c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; internal set; } = null!;

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Number("mu_product", MuProduct);
        writer.Tensor("exp_avg", ExpAvg);
        writer.Tensor("exp_avg_sq", ExpAvgSq);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        MuProduct = reader.Number("mu_product");
        ExpAvg = reader.Tensor("exp_avg");
        ExpAvgSq = reader.Tensor("exp_avg_sq");
    }
}

/// <summary>
/// NAdam, Adam with Nesterov momentum (Dozat 2016), with PyTorch ≥ 2.0 semantics: μₜ = β₁(1 − ½·0.96^(tψ)), the
/// running product Πμ is multiplied by μₜ once per step (PyTorch 1.13 counted it twice; see docs/optimizers.md).
/// </summary>
public sealed class NAdam : Optimizer<NAdamOptions, NAdamState>
{
    /// <summary>Creates NAdam over <paramref name="parameters"/> (default options when null).</summary>
    public NAdam(IEnumerable<Tensor> parameters, NAdamOptions? options = null) : base(parameters, options ?? new NAdamOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "NAdam";

    /// <inheritdoc/>
    protected override NAdamState CreateState(Tensor param, NAdamOptions options) =>
        new() { ExpAvg = ZerosLike(param), ExpAvgSq = ZerosLike(param) };

    /// <inheritdoc/>
    protected override NAdamState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, NAdamState state, NAdamOptions o)
    {
        state.Step++;
        long t = state.Step;
        double bc2 = 1 - Math.Pow(o.Beta2, t);
        double mu = o.Beta1 * (1 - 0.5 * Math.Pow(0.96, t * o.MomentumDecay));
        double muNext = o.Beta1 * (1 - 0.5 * Math.Pow(0.96, (t + 1) * o.MomentumDecay));
        state.MuProduct *= mu;
        double muProductNext = state.MuProduct * muNext;
        var c = new NAdamCoefficients(o.Beta1, o.Beta2, o.Eps, bc2,
            GradCoefficient: -o.Lr * (1 - mu) / (1 - state.MuProduct),
            ExpAvgCoefficient: -o.Lr * muNext / (1 - muProductNext),
            o.WeightDecay, o.Maximize);
        if (param.DType == DType.Float32)
            NAdamKernel.Step(param.Span<float>(), grad.Span<float>(), state.ExpAvg.Span<float>(), state.ExpAvgSq.Span<float>(), c);
        else
            NAdamKernel.Step(param.Span<double>(), grad.Span<double>(), state.ExpAvg.Span<double>(), state.ExpAvgSq.Span<double>(), c);
    }
}
