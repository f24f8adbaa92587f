using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="Adamax"/> (PyTorch defaults).</summary>
public sealed record AdamaxOptions : OptimizerOptions
{
    private double _beta1;
    private double _beta2;
    private double _eps;

    /// <summary>Creates Adamax options.</summary>
    public AdamaxOptions(double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false) : base(lr, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Adamax";

    /// <summary>β₁ in [0, 1): decay of the first moment.</summary>
    public double Beta1
    {
        get => _beta1;
        set => _beta1 = OptionChecks.HalfOpenUnit(OptimizerName, "beta1", value);
    }

    /// <summary>β₂ in [0, 1): decay of the exponentially weighted infinity norm.</summary>
    public double Beta2
    {
        get => _beta2;
        set => _beta2 = OptionChecks.HalfOpenUnit(OptimizerName, "beta2", value);
    }

    /// <summary>ε &gt; 0 added to |g|.</summary>
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
        into["maximize"] = Maximize;
    }

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

/// <summary>State of one parameter under <see cref="Adamax"/>.</summary>
public sealed class AdamaxState : ParamState
{
    /// <summary>First moment (<c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; internal set; } = null!;

    /// <summary>Exponentially weighted infinity norm (<c>exp_inf</c>).</summary>
    public Tensor ExpInf { get; internal set; } = null!;

    internal override void Save(IDictionary<string, object?> into)
    {
        into["step"] = (double)Step;
        into["exp_avg"] = Copy(ExpAvg);
        into["exp_inf"] = Copy(ExpInf);
    }

    internal override void Load(StateReader reader)
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
