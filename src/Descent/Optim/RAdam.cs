using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="RAdam"/> (PyTorch defaults).</summary>
public sealed record RAdamOptions : BetasOptions
{
    /// <summary>Creates RAdam options.</summary>
    public RAdamOptions(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : base(lr, beta1, beta2, eps, weightDecay, maximize)
    {
    }

    /// <inheritdoc/>
    public override string OptimizerName => "RAdam";

    /// <summary>PyTorch's order: lr, betas, eps, weight_decay, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    private static readonly HyperparameterSet Declared = Declare();
}

/// <summary>State of one parameter under <see cref="RAdam"/>.</summary>
public sealed class RAdamState : ParamState
{
    /// <summary>First moment (<c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <summary>Second moment (<c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; internal set; } = null!;

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("exp_avg", ExpAvg);
        writer.Tensor("exp_avg_sq", ExpAvgSq);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        ExpAvg = reader.Tensor("exp_avg");
        ExpAvgSq = reader.Tensor("exp_avg_sq");
    }
}

/// <summary>
/// RAdam (Liu et al. 2020): Adam whose adaptive step is switched on and rectified only once the variance of the
/// adaptive learning rate is tractable (ρₜ &gt; 5), following PyTorch's <c>torch.optim.RAdam</c>.
/// </summary>
public sealed class RAdam : Optimizer<RAdamOptions, RAdamState>
{
    /// <summary>Creates RAdam over <paramref name="parameters"/> (default options when null).</summary>
    public RAdam(IEnumerable<Tensor> parameters, RAdamOptions? options = null) : base(parameters, options ?? new RAdamOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "RAdam";

    /// <inheritdoc/>
    protected override RAdamState CreateState(Tensor param, RAdamOptions options) =>
        new() { ExpAvg = ZerosLike(param), ExpAvgSq = ZerosLike(param) };

    /// <inheritdoc/>
    protected override RAdamState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, RAdamState state, RAdamOptions o)
    {
        state.Step++;
        long t = state.Step;
        double bc1 = 1 - Math.Pow(o.Beta1, t);
        double bc2 = 1 - Math.Pow(o.Beta2, t);
        // Maximum length of the approximated simple moving average, and its value at step t (Liu et al., eq. 6).
        double rhoInf = 2 / (1 - o.Beta2) - 1;
        double rhoT = rhoInf - 2 * t * Math.Pow(o.Beta2, t) / bc2;
        double? rect = rhoT > 5
            ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
            : null;
        var c = new RAdamCoefficients(o.Lr, o.Beta1, o.Beta2, o.Eps, bc1, Math.Sqrt(bc2), rect, o.WeightDecay, o.Maximize);
        if (param.DType == DType.Float32)
            RAdamKernel.Step(param.Span<float>(), grad.Span<float>(), state.ExpAvg.Span<float>(), state.ExpAvgSq.Span<float>(), c);
        else
            RAdamKernel.Step(param.Span<double>(), grad.Span<double>(), state.ExpAvg.Span<double>(), state.ExpAvgSq.Span<double>(), c);
    }
}
