using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyperparameters of <see cref="GradientDescent"/>.</summary>
public sealed record GradientDescentOptions : OptimizerOptions
{
    private static readonly HyperparameterSet Declared = new(LrHyperparameter, WeightDecayHyperparameter);

    /// <summary>Creates gradient-descent options (weight decay, if any, is coupled L2 as in SGD).</summary>
    public GradientDescentOptions(double lr = 1e-3, double weightDecay = 0) : base(lr, weightDecay)
    {
    }

    /// <inheritdoc/>
    public override string OptimizerName => "GradientDescent";

    /// <summary>lr, weight_decay.</summary>
    public override HyperparameterSet Hyperparameters => Declared;
}

/// <summary>State of one parameter under <see cref="GradientDescent"/>: only the step count.</summary>
public sealed class GradientDescentState : ParamState
{
    protected internal override void Save(StateWriter writer) => writer.StepCount(Step);

    protected internal override void Load(StateReader reader) => Step = reader.StepCount();
}

/// <summary>
/// Plain gradient descent, θ ← θ − α·∇L(θ), as the textbooks write it (the same update as <see cref="Sgd"/> without
/// momentum; "stochastic" only refers to computing the gradient on a mini-batch).
/// </summary>
public sealed class GradientDescent : Optimizer<GradientDescentOptions, GradientDescentState>
{
    /// <summary>Creates gradient descent over <paramref name="parameters"/> with learning rate <paramref name="lr"/>.</summary>
    public GradientDescent(IEnumerable<Tensor> parameters, double lr) : this(parameters, new GradientDescentOptions(lr))
    {
    }

    /// <summary>Creates gradient descent over <paramref name="parameters"/> (default options when null).</summary>
    public GradientDescent(IEnumerable<Tensor> parameters, GradientDescentOptions? options = null)
        : base(parameters, options ?? new GradientDescentOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "GradientDescent";

    /// <inheritdoc/>
    protected override GradientDescentState CreateState(Tensor param, GradientDescentOptions options) => new();

    /// <inheritdoc/>
    protected override GradientDescentState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    protected override void Update(Tensor param, Tensor grad, GradientDescentState state, GradientDescentOptions o)
    {
        state.Step++;
        var c = new SgdCoefficients(o.Lr, 0, 0, o.WeightDecay, Nesterov: false, Maximize: false, InitializeBuffer: false);
        if (param.DType == DType.Float32)
            SgdKernel.Step(param.Span<float>(), grad.Span<float>(), default, c);
        else
            SgdKernel.Step(param.Span<double>(), grad.Span<double>(), default, c);
    }
}
