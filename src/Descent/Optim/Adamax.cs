using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="Adamax"/> (PyTorch defaults).</summary>
public sealed record AdamaxOptions : BetasOptions
{
    /// <summary>Creates Adamax options.</summary>
    public AdamaxOptions(double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : base(lr, beta1, beta2, eps, weightDecay, maximize)
    {
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Adamax";

    /// <summary>PyTorch's order: lr, betas, eps, weight_decay, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    private static readonly HyperparameterSet Declared = Declare();
}

/// <summary>State of one parameter under <see cref="Adamax"/>.</summary>
public sealed class AdamaxState : ParamState
{
    /// <summary>First moment (<c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <summary>Exponentially weighted infinity norm (<c>exp_inf</c>).</summary>
    public Tensor ExpInf { get; internal set; } = null!;

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("exp_avg", ExpAvg);
        writer.Tensor("exp_inf", ExpInf);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        ExpAvg = reader.Tensor("exp_avg");
        ExpInf = reader.Tensor("exp_inf");
    }
}

/// <summary>Adamax, the infinity-norm variant of Adam (Kingma &amp; Ba 2015, §7.1), following PyTorch's <c>torch.optim.Adamax</c>.</summary>
public sealed class Adamax : Optimizer<AdamaxOptions, AdamaxState>
{
    /// <summary>Creates Adamax over <paramref name="parameters"/> (default options when null).</summary>
    public Adamax(IEnumerable<Tensor> parameters, AdamaxOptions? options = null) : base(parameters, options ?? new AdamaxOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "Adamax";

    /// <inheritdoc/>
    protected override AdamaxState CreateState(Tensor param, AdamaxOptions options) =>
        new() { ExpAvg = ZerosLike(param), ExpInf = ZerosLike(param) };

    /// <inheritdoc/>
    protected override AdamaxState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, AdamaxState state, AdamaxOptions o)
    {
        state.Step++;
        double clr = o.Lr / (1 - Math.Pow(o.Beta1, state.Step));
        var c = new AdamaxCoefficients(o.Beta1, o.Beta2, o.Eps, clr, o.WeightDecay, o.Maximize);
        if (param.DType == DType.Float32)
            AdamaxKernel.Step(param.Span<float>(), grad.Span<float>(), state.ExpAvg.Span<float>(), state.ExpInf.Span<float>(), c);
        else
            AdamaxKernel.Step(param.Span<double>(), grad.Span<double>(), state.ExpAvg.Span<double>(), state.ExpInf.Span<double>(), c);
    }
}
