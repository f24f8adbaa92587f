using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>How SGD accumulates momentum.</summary>
public enum MomentumStyle
{
    /// <summary>
    /// PyTorch's heavy ball: buf ← μ·buf + (1−dampening)·g, with buf ← g on the first step.
    /// </summary>
    HeavyBall,

    /// <summary>
    /// The textbook exponential moving average: v ← β·v + (1−β)·g from v₀ = 0, θ ← θ − α·v. Equivalent to
    /// dampening = momentum except on the first step (PyTorch starts from buf = g, not (1−β)·g).
    /// </summary>
    Ema,
}

/// <summary>Hyperparameters of <see cref="Sgd"/> (PyTorch defaults; lr defaults to 1e-3 as in PyTorch ≥ 2.2).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    private static readonly Hyperparameter<SgdOptions, double> MomentumHyperparameter =
        Hyperparameter.Number<SgdOptions>("momentum", o => o.Momentum, (o, v) => o.Momentum = v, ValueRange.HalfOpenUnit);

    private static readonly Hyperparameter<SgdOptions, double> DampeningHyperparameter =
        Hyperparameter.Number<SgdOptions>("dampening", o => o.Dampening, (o, v) => o.Dampening = v, ValueRange.ClosedUnit);

    // momentum_style is ours (not PyTorch's); it comes last so PyTorch's keys keep their order.
    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter, MomentumHyperparameter, DampeningHyperparameter, WeightDecayHyperparameter,
        Hyperparameter.Flag<SgdOptions>("nesterov", o => o.Nesterov, (o, v) => o.Nesterov = v),
        Hyperparameter.Flag<SgdOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v),
        Hyperparameter.Choice<SgdOptions, MomentumStyle>("momentum_style", o => o.MomentumStyle, (o, v) => o.MomentumStyle = v,
            (MomentumStyle.HeavyBall, "heavy_ball"), (MomentumStyle.Ema, "ema")));

    /// <summary>Creates SGD options.</summary>
    public SgdOptions(double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false, MomentumStyle momentumStyle = MomentumStyle.HeavyBall)
        : base(lr, weightDecay)
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        Maximize = maximize;
        MomentumStyle = momentumStyle;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "SGD";

    /// <summary>PyTorch's order: lr, momentum, dampening, weight_decay, nesterov, maximize, then momentum_style.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <inheritdoc/>
    public override bool HasMomentum => true;

    /// <summary>Momentum factor μ in [0, 1); 0 is plain (stochastic) gradient descent.</summary>
    public override double Momentum
    {
        get;
        set => field = MomentumHyperparameter.Check(this, value);
    }

    /// <summary>Dampening τ in [0, 1]: the gradient enters the buffer as (1−τ)·g (heavy-ball style only).</summary>
    public double Dampening
    {
        get;
        set => field = DampeningHyperparameter.Check(this, value);
    }

    /// <summary>Nesterov momentum: the update uses g + μ·buf (needs momentum &gt; 0 and no dampening).</summary>
    public bool Nesterov { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }

    /// <summary>Heavy-ball (PyTorch) or textbook EMA momentum.</summary>
    public MomentumStyle MomentumStyle { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum > 0 and zero dampening (momentum = {Momentum}, dampening = {Dampening}).");
        if (MomentumStyle == MomentumStyle.Ema && (Dampening != 0 || Nesterov))
            throw new ArgumentException("SGD: EMA momentum (v = βv + (1−β)g) already weights the gradient by 1−β; it cannot be combined with dampening or Nesterov.");
    }
}

/// <summary>State of one parameter under <see cref="Sgd"/>: the momentum buffer (null until momentum is used).</summary>
public sealed class SgdState : ParamState
{
    /// <summary>The momentum buffer (PyTorch's <c>momentum_buffer</c>), or null.</summary>
    public Tensor? MomentumBuffer { get; internal set; }

    protected internal override void Save(StateWriter writer) => writer.Tensor("momentum_buffer", MomentumBuffer);

    protected internal override void Load(StateReader reader) => MomentumBuffer = reader.TensorOrNull("momentum_buffer");
}

/// <summary>
/// Stochastic gradient descent with optional (heavy-ball, Nesterov or textbook EMA) momentum, coupled weight decay and
/// maximize, following PyTorch's <c>torch.optim.SGD</c>.
/// </summary>
public sealed class Sgd : Optimizer<SgdOptions, SgdState>
{
    /// <summary>Creates SGD over <paramref name="parameters"/> (default options when null).</summary>
    public Sgd(IEnumerable<Tensor> parameters, SgdOptions? options = null) : base(parameters, options ?? new SgdOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    protected override SgdState CreateState(Tensor param, SgdOptions options) => new();

    /// <inheritdoc/>
    protected override SgdState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, SgdState state, SgdOptions o)
    {
        bool init = false;
        double dampening = o.Dampening;
        if (o.Momentum != 0)
        {
            if (state.MomentumBuffer is null)
            {
                state.MomentumBuffer = ZerosLike(param);
                // PyTorch starts the heavy ball from buf = g; the EMA starts from v = 0.
                init = o.MomentumStyle == MomentumStyle.HeavyBall;
            }
            if (o.MomentumStyle == MomentumStyle.Ema) dampening = o.Momentum;
        }
        var c = new SgdCoefficients(o.Lr, o.Momentum, dampening, o.WeightDecay, o.Nesterov, o.Maximize, init);
        if (param.DType == DType.Float32)
            SgdKernel.Step(param.Span<float>(), grad.Span<float>(), SpanOf<float>(state.MomentumBuffer), c);
        else
            SgdKernel.Step(param.Span<double>(), grad.Span<double>(), SpanOf<double>(state.MomentumBuffer), c);
        state.Step++;
    }
}
