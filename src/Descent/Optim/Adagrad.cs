using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="Adagrad"/> (PyTorch defaults).</summary>
public sealed record AdagradOptions : OptimizerOptions
{
    private static readonly Hyperparameter<AdagradOptions, double> LrDecayHyperparameter =
        Hyperparameter.Number<AdagradOptions>("lr_decay", o => o.LrDecay, (o, v) => o.LrDecay = v, ValueRange.NonNegative);

    private static readonly Hyperparameter<AdagradOptions, double> InitialAccumulatorValueHyperparameter =
        Hyperparameter.Number<AdagradOptions>("initial_accumulator_value", o => o.InitialAccumulatorValue,
            (o, v) => o.InitialAccumulatorValue = v, ValueRange.NonNegative);

    private static readonly Hyperparameter<AdagradOptions, double> EpsHyperparameter =
        Hyperparameter.Number<AdagradOptions>("eps", o => o.Eps, (o, v) => o.Eps = v, ValueRange.Positive);

    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter, LrDecayHyperparameter, WeightDecayHyperparameter, InitialAccumulatorValueHyperparameter, EpsHyperparameter,
        Hyperparameter.Flag<AdagradOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v));

    /// <summary>Creates Adagrad options.</summary>
    public AdagradOptions(double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0,
        double eps = 1e-10, bool maximize = false) : base(lr, weightDecay)
    {
        LrDecay = lrDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Eps = eps;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "Adagrad";

    /// <summary>PyTorch's order: lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>lr_decay ≥ 0: step t uses lr / (1 + (t−1)·lr_decay).</summary>
    public double LrDecay
    {
        get;
        set => field = LrDecayHyperparameter.Check(this, value);
    }

    /// <summary>Starting value (≥ 0) of the sum of squared gradients; read when a parameter's state is created.</summary>
    public double InitialAccumulatorValue
    {
        get;
        set => field = InitialAccumulatorValueHyperparameter.Check(this, value);
    }

    /// <summary>ε &gt; 0 added to √sum.</summary>
    public double Eps
    {
        get;
        set => field = EpsHyperparameter.Check(this, value);
    }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }
}

/// <summary>State of one parameter under <see cref="Adagrad"/>.</summary>
public sealed class AdagradState : ParamState
{
    /// <summary>Sum of squared gradients (PyTorch's <c>sum</c>).</summary>
    public Tensor Sum { get; internal set; } = null!;

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.Tensor("sum", Sum);
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        Sum = reader.Tensor("sum");
    }
}

/// <summary>Adagrad (Duchi, Hazan &amp; Singer 2011), following PyTorch's <c>torch.optim.Adagrad</c> (dense gradients).</summary>
public sealed class Adagrad : Optimizer<AdagradOptions, AdagradState>
{
    /// <summary>Creates Adagrad over <paramref name="parameters"/> (default options when null).</summary>
    public Adagrad(IEnumerable<Tensor> parameters, AdagradOptions? options = null) : base(parameters, options ?? new AdagradOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "Adagrad";

    /// <inheritdoc/>
    protected override AdagradState CreateState(Tensor param, AdagradOptions options) =>
        new() { Sum = Tensor.Full(param.Shape, options.InitialAccumulatorValue, param.DType) };

    /// <inheritdoc/>
    protected override AdagradState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, AdagradState state, AdagradOptions o)
    {
        state.Step++;
        double clr = o.Lr / (1 + (state.Step - 1) * o.LrDecay);
        var c = new AdagradCoefficients(clr, o.Eps, o.WeightDecay, o.Maximize);
        if (param.DType == DType.Float32)
            AdagradKernel.Step(param.Span<float>(), grad.Span<float>(), state.Sum.Span<float>(), c);
        else
            AdagradKernel.Step(param.Span<double>(), grad.Span<double>(), state.Sum.Span<double>(), c);
    }
}
