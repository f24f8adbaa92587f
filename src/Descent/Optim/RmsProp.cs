using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="RmsProp"/> (PyTorch defaults).</summary>
public sealed record RmsPropOptions : OptimizerOptions
{
    private double _alpha;
    private double _eps;
    private double _momentum;

    /// <summary>Creates RMSprop options.</summary>
    public RmsPropOptions(double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false) : base(lr, weightDecay)
    {
        Alpha = alpha;
        Eps = eps;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "RMSprop";

    /// <summary>Smoothing constant α in [0, 1] of the squared-gradient average.</summary>
    public double Alpha
    {
        get => _alpha;
        set => _alpha = OptionChecks.ClosedUnit(OptimizerName, "alpha", value);
    }

    /// <summary>ε &gt; 0 added to the root.</summary>
    public double Eps
    {
        get => _eps;
        set => _eps = OptionChecks.Positive(OptimizerName, "eps", value);
    }

    /// <inheritdoc/>
    public override bool HasMomentum => true;

    /// <summary>Momentum μ in [0, 1) of the update buffer (0: none).</summary>
    public override double Momentum
    {
        get => _momentum;
        set => _momentum = OptionChecks.HalfOpenUnit(OptimizerName, "momentum", value);
    }

    /// <summary>Centered RMSprop (Graves 2013): normalize by an estimate of the gradient's variance.</summary>
    public bool Centered { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }

    /// <inheritdoc/>
    protected override void Write(IDictionary<string, object> into)
    {
        into["lr"] = Lr;
        into["alpha"] = Alpha;
        into["eps"] = Eps;
        into["weight_decay"] = WeightDecay;
        into["momentum"] = Momentum;
        into["centered"] = Centered;
        into["maximize"] = Maximize;
    }

    /// <inheritdoc/>
    protected override bool TrySet(string name, object? value)
    {
        switch (name)
        {
            case "alpha": Alpha = Number(name, value); return true;
            case "eps": Eps = Number(name, value); return true;
            case "momentum": Momentum = Number(name, value); return true;
            case "centered": Centered = Flag(name, value); return true;
            case "maximize": Maximize = Flag(name, value); return true;
            default: return base.TrySet(name, value);
        }
    }
}

/// <summary>State of one parameter under <see cref="RmsProp"/>.</summary>
public sealed class RmsPropState : ParamState
{
    /// <summary>Average of squared gradients (<c>square_avg</c>).</summary>
    public Tensor SquareAvg { get; internal set; } = null!;

    /// <summary>Momentum buffer when momentum &gt; 0 (<c>momentum_buffer</c>), else null.</summary>
    public Tensor? MomentumBuffer { get; internal set; }

    /// <summary>Average gradient when centered (<c>grad_avg</c>), else null.</summary>
    public Tensor? GradAvg { get; internal set; }

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("square_avg", SquareAvg);
        if (MomentumBuffer is not null) writer.Tensor("momentum_buffer", MomentumBuffer);
        if (GradAvg is not null) writer.Tensor("grad_avg", GradAvg);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        SquareAvg = reader.Tensor("square_avg");
        MomentumBuffer = reader.HasEntry("momentum_buffer") ? reader.Tensor("momentum_buffer") : null;
        GradAvg = reader.HasEntry("grad_avg") ? reader.Tensor("grad_avg") : null;
    }
}

/// <summary>RMSprop (Hinton, lecture 6e), optionally centered and with momentum, following PyTorch's <c>torch.optim.RMSprop</c>.</summary>
public sealed class RmsProp : Optimizer<RmsPropOptions, RmsPropState>
{
    /// <summary>Creates RMSprop over <paramref name="parameters"/> (default options when null).</summary>
    public RmsProp(IEnumerable<Tensor> parameters, RmsPropOptions? options = null) : base(parameters, options ?? new RmsPropOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "RMSprop";

    /// <inheritdoc/>
    protected override RmsPropState CreateState(Tensor param, RmsPropOptions options) => new() { SquareAvg = ZerosLike(param) };

    /// <inheritdoc/>
    protected override RmsPropState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, RmsPropState state, RmsPropOptions o)
    {
        if (o.Momentum > 0) state.MomentumBuffer ??= ZerosLike(param);
        if (o.Centered) state.GradAvg ??= ZerosLike(param);
        state.Step++;
        var c = new RmsPropCoefficients(o.Lr, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Maximize);
        if (param.DType == DType.Float32)
            RmsPropKernel.Step(param.Span<float>(), grad.Span<float>(), state.SquareAvg.Span<float>(),
                SpanOf<float>(o.Centered ? state.GradAvg : null), SpanOf<float>(o.Momentum > 0 ? state.MomentumBuffer : null), c);
        else
            RmsPropKernel.Step(param.Span<double>(), grad.Span<double>(), state.SquareAvg.Span<double>(),
                SpanOf<double>(o.Centered ? state.GradAvg : null), SpanOf<double>(o.Momentum > 0 ? state.MomentumBuffer : null), c);
    }
}
