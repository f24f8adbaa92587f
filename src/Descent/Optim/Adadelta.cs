using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="Adadelta"/> (PyTorch defaults).</summary>
public sealed record AdadeltaOptions : OptimizerOptions
{
    private static readonly Hyperparameter<AdadeltaOptions, double> RhoHyperparameter =
        Hyperparameter.Number<AdadeltaOptions>("rho", o => o.Rho, (o, v) => o.Rho = v, ValueRange.ClosedUnit);

    private static readonly Hyperparameter<AdadeltaOptions, double> EpsHyperparameter =
        Hyperparameter.Number<AdadeltaOptions>("eps", o => o.Eps, (o, v) => o.Eps = v, ValueRange.Positive);

    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter, RhoHyperparameter, EpsHyperparameter, WeightDecayHyperparameter,
        Hyperparameter.Flag<AdadeltaOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v));

    /// <summary>Creates Adadelta options.</summary>
    public AdadeltaOptions(double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : base(lr, weightDecay)
    {
        Rho = rho;
        Eps = eps;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Adadelta";

    /// <summary>PyTorch's order: lr, rho, eps, weight_decay, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>ρ in [0, 1]: decay of the squared-gradient and squared-update averages.</summary>
    public double Rho
    {
        get;
        set => field = RhoHyperparameter.Check(this, value);
    }

    /// <summary>ε &gt; 0 inside both roots.</summary>
    public double Eps
    {
        get;
        set => field = EpsHyperparameter.Check(this, value);
    }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }
}

/// <summary>State of one parameter under <see cref="Adadelta"/>.</summary>
public sealed class AdadeltaState : ParamState
{
    /// <summary>Average of squared gradients (<c>square_avg</c>).</summary>
    public Tensor SquareAvg { get; internal set; } = null!;

    /// <summary>Average of squared updates (<c>acc_delta</c>).</summary>
    public Tensor AccDelta { get; internal set; } = null!;

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("square_avg", SquareAvg);
        writer.Tensor("acc_delta", AccDelta);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        SquareAvg = reader.Tensor("square_avg");
        AccDelta = reader.Tensor("acc_delta");
    }
}

/// <summary>Adadelta (Zeiler 2012), following PyTorch's <c>torch.optim.Adadelta</c>.</summary>
public sealed class Adadelta : Optimizer<AdadeltaOptions, AdadeltaState>
{
    /// <summary>Creates Adadelta over <paramref name="parameters"/> (default options when null).</summary>
    public Adadelta(IEnumerable<Tensor> parameters, AdadeltaOptions? options = null) : base(parameters, options ?? new AdadeltaOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "Adadelta";

    /// <inheritdoc/>
    protected override AdadeltaState CreateState(Tensor param, AdadeltaOptions options) =>
        new() { SquareAvg = ZerosLike(param), AccDelta = ZerosLike(param) };

    /// <inheritdoc/>
    protected override AdadeltaState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, AdadeltaState state, AdadeltaOptions o)
    {
        state.Step++;
        var c = new AdadeltaCoefficients(o.Lr, o.Rho, o.Eps, o.WeightDecay, o.Maximize);
        if (param.DType == DType.Float32)
            AdadeltaKernel.Step(param.Span<float>(), grad.Span<float>(), state.SquareAvg.Span<float>(), state.AccDelta.Span<float>(), c);
        else
            AdadeltaKernel.Step(param.Span<double>(), grad.Span<double>(), state.SquareAvg.Span<double>(), state.AccDelta.Span<double>(), c);
    }
}
