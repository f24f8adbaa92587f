using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="RmsProp"/> (PyTorch defaults).</summary>
public sealed record RmsPropOptions : OptimizerOptions
{
    private static readonly Hyperparameter<RmsPropOptions, double> AlphaHyperparameter =
        Hyperparameter.Number<RmsPropOptions>("alpha", o => o.Alpha, (o, v) => o.Alpha = v, ValueRange.ClosedUnit);

    private static readonly Hyperparameter<RmsPropOptions, double> EpsHyperparameter =
        Hyperparameter.Number<RmsPropOptions>("eps", o => o.Eps, (o, v) => o.Eps = v, ValueRange.Positive);

    private static readonly Hyperparameter<RmsPropOptions, double> MomentumHyperparameter =
        Hyperparameter.Number<RmsPropOptions>("momentum", o => o.Momentum, (o, v) => o.Momentum = v, ValueRange.HalfOpenUnit);

    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter, AlphaHyperparameter, EpsHyperparameter, WeightDecayHyperparameter, MomentumHyperparameter,
        Hyperparameter.Flag<RmsPropOptions>("centered", o => o.Centered, (o, v) => o.Centered = v),
        Hyperparameter.Flag<RmsPropOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v));

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

    /// <summary>PyTorch's order: lr, alpha, eps, weight_decay, momentum, centered, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Smoothing constant α in [0, 1] of the squared-gradient average.</summary>
    public double Alpha
    {
        get;
        set => field = AlphaHyperparameter.Check(this, value);
    }

    /// <summary>ε &gt; 0 added to the root.</summary>
    public double Eps
    {
        get;
        set => field = EpsHyperparameter.Check(this, value);
    }

    /// <inheritdoc/>
    public override bool HasMomentum => true;

    /// <summary>Momentum μ in [0, 1) of the update buffer (0: none).</summary>
    public override double Momentum
    {
        get;
        set => field = MomentumHyperparameter.Check(this, value);
    }

    /// <summary>Centered RMSprop (Graves 2013): normalize by an estimate of the gradient's variance.</summary>
    public bool Centered { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }
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
