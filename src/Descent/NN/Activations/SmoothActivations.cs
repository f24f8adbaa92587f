using Descent.Tensors;

namespace Descent.NN;

/// <summary>How <see cref="GELU"/> evaluates Φ(x) (PyTorch's <c>approximate</c> argument).</summary>
public enum GeluApproximation
{
    /// <summary>Exact: Φ(x) = ½(1 + erf(x/√2)).</summary>
    None,

    /// <summary>The tanh approximation ½(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    Tanh,
}

/// <summary>GELU: x·Φ(x), exact or with the tanh approximation (PyTorch's <c>nn.GELU</c>).</summary>
public sealed class GELU(GeluApproximation approximate = GeluApproximation.None) : Module
{
    /// <summary>Exact or tanh-approximated.</summary>
    public GeluApproximation Approximate { get; } = approximate;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Approximate == GeluApproximation.Tanh ? Functional.GeluTanh(input) : Functional.Gelu(input);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"approximate='{(Approximate == GeluApproximation.Tanh ? "tanh" : "none")}'";
}

/// <summary>Logistic sigmoid 1/(1 + e^(−x)) (PyTorch's <c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Sigmoid(input);
}

/// <summary>Hyperbolic tangent (PyTorch's <c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Tanh(input);
}

/// <summary>Softplus log(1 + e^(βx))/β, linear where βx &gt; threshold (PyTorch's <c>nn.Softplus</c>).</summary>
public sealed class Softplus(double beta = 1.0, double threshold = 20.0) : Module
{
    /// <summary>Sharpness β.</summary>
    public double Beta { get; } = beta;

    /// <summary>Above βx &gt; threshold the output is x.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Softplus(input, Beta, Threshold);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"beta={Repr.Float(Beta)}, threshold={Repr.Float(Threshold)}";
}
