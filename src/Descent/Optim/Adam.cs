using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters shared by <see cref="Adam"/> and <see cref="AdamW"/>: <see cref="BetasOptions"/> plus AMSGrad.</summary>
public abstract record AdamFamilyOptions : BetasOptions
{
    private static readonly Hyperparameter<AdamFamilyOptions, bool> AmsgradHyperparameter =
        Hyperparameter.Flag<AdamFamilyOptions>("amsgrad", o => o.Amsgrad, (o, v) => o.Amsgrad = v);

    private static readonly HyperparameterSet Declared = Declare(AmsgradHyperparameter);

    /// <summary>Sets and validates every hyperparameter.</summary>
    protected AdamFamilyOptions(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool maximize)
        : base(lr, beta1, beta2, eps, weightDecay, maximize)
    {
        Amsgrad = amsgrad;
    }

    /// <summary>AMSGrad (Reddi et al. 2018): divide by the running maximum of the second moment.</summary>
    public bool Amsgrad { get; set; }

    /// <summary>PyTorch's order: lr, betas, eps, weight_decay, amsgrad, maximize.</summary>
    public sealed override HyperparameterSet Hyperparameters => Declared;
}

/// <summary>Hyperparameters of <see cref="Adam"/> (PyTorch defaults).</summary>
public sealed record AdamOptions : AdamFamilyOptions
{
    /// <summary>Creates Adam options.</summary>
    public AdamOptions(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Adam";
}

/// <summary>Hyperparameters of <see cref="AdamW"/> (PyTorch defaults: weight decay 0.01, decoupled).</summary>
public sealed record AdamWOptions : AdamFamilyOptions
{
    /// <summary>Creates AdamW options.</summary>
    public AdamWOptions(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <inheritdoc/>
    public override string OptimizerName => "AdamW";
}

/// <summary>State of one parameter under <see cref="Adam"/> or <see cref="AdamW"/>.</summary>
public sealed class AdamState : ParamState
{
    /// <summary>First moment m (PyTorch's <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <summary>Second moment v (<c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; internal set; } = null!;

    /// <summary>Running maximum of v under AMSGrad (<c>max_exp_avg_sq</c>), else null.</summary>
    public Tensor? MaxExpAvgSq { get; internal set; }

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("exp_avg", ExpAvg);
        writer.Tensor("exp_avg_sq", ExpAvgSq);
        if (MaxExpAvgSq is not null) writer.Tensor("max_exp_avg_sq", MaxExpAvgSq);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        ExpAvg = reader.Tensor("exp_avg");
        ExpAvgSq = reader.Tensor("exp_avg_sq");
        MaxExpAvgSq = reader.HasEntry("max_exp_avg_sq") ? reader.Tensor("max_exp_avg_sq") : null;
    }

    internal static AdamState Create(Tensor param, bool amsgrad) => new()
    {
        ExpAvg = Tensor.Zeros(param.Shape, param.DType),
        ExpAvgSq = Tensor.Zeros(param.Shape, param.DType),
        MaxExpAvgSq = amsgrad ? Tensor.Zeros(param.Shape, param.DType) : null,
    };

    /// <summary>One fused Adam/AdamW update; <paramref name="decoupled"/> selects AdamW's weight decay.</summary>
    internal void Update(Tensor param, Tensor grad, AdamFamilyOptions o, bool decoupled)
    {
        if (o.Amsgrad && MaxExpAvgSq is null)
            MaxExpAvgSq = Tensor.Zeros(param.Shape, param.DType);
        Step++;
        double bc1 = 1 - Math.Pow(o.Beta1, Step);
        double bc2 = 1 - Math.Pow(o.Beta2, Step);
        var c = new AdamCoefficients(o.Beta1, o.Beta2, o.Eps, o.Lr / bc1, Math.Sqrt(bc2),
            WeightDecay: decoupled ? 0 : o.WeightDecay,
            DecoupledDecay: decoupled ? 1 - o.Lr * o.WeightDecay : 1,
            o.Amsgrad, o.Maximize);
        if (param.DType == DType.Float32)
            AdamKernel.Step(param.Span<float>(), grad.Span<float>(), ExpAvg.Span<float>(), ExpAvgSq.Span<float>(),
                o.Amsgrad ? MaxExpAvgSq!.Span<float>() : default, c);
        else
            AdamKernel.Step(param.Span<double>(), grad.Span<double>(), ExpAvg.Span<double>(), ExpAvgSq.Span<double>(),
                o.Amsgrad ? MaxExpAvgSq!.Span<double>() : default, c);
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with optional AMSGrad, coupled L2 weight decay and maximize, following PyTorch's
/// <c>torch.optim.Adam</c>. For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public sealed class Adam : Optimizer<AdamOptions, AdamState>
{
    /// <summary>Creates Adam over <paramref name="parameters"/> (default options when null).</summary>
    public Adam(IEnumerable<Tensor> parameters, AdamOptions? options = null) : base(parameters, options ?? new AdamOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "Adam";

    /// <inheritdoc/>
    protected override AdamState CreateState(Tensor param, AdamOptions options) => AdamState.Create(param, options.Amsgrad);

    /// <inheritdoc/>
    protected override AdamState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, AdamState state, AdamOptions options) =>
        state.Update(param, grad, options, decoupled: false);
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019): Adam with decoupled weight decay θ ← θ·(1 − lr·wd) applied before the Adam
/// step instead of adding wd·θ to the gradient, following PyTorch's <c>torch.optim.AdamW</c>.
/// </summary>
public sealed class AdamW : Optimizer<AdamWOptions, AdamState>
{
    /// <summary>Creates AdamW over <paramref name="parameters"/> (default options when null).</summary>
    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions? options = null) : base(parameters, options ?? new AdamWOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "AdamW";

    /// <inheritdoc/>
    protected override AdamState CreateState(Tensor param, AdamWOptions options) => AdamState.Create(param, options.Amsgrad);

    /// <inheritdoc/>
    protected override AdamState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, AdamState state, AdamWOptions options) =>
        state.Update(param, grad, options, decoupled: true);
}
