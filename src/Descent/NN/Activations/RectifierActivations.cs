using Descent.Tensors;

namespace Descent.NN;

/// <summary>ReLU: max(x, 0) (PyTorch's <c>nn.ReLU</c>), one fused SIMD node.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}

/// <summary>Leaky ReLU: x &gt; 0 ? x : negativeSlope·x (PyTorch's <c>nn.LeakyReLU</c>, default slope 0.01).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"negative_slope={Repr.Float(NegativeSlope)}";
}

/// <summary>ELU: x &gt; 0 ? x : alpha·(exp(x) − 1) (PyTorch's <c>nn.ELU</c>).</summary>
public sealed class ELU(double alpha = 1.0) : Module
{
    /// <summary>Scale of the negative part.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Elu(input, Alpha);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={Repr.Float(Alpha)}";
}

/// <summary>SELU with PyTorch's constants alpha ≈ 1.6733, scale ≈ 1.0507 (<c>nn.SELU</c>).</summary>
public sealed class SELU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Selu(input);
}

/// <summary>SiLU: x·σ(x) (PyTorch's <c>nn.SiLU</c>).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>Hardswish: x·relu6(x + 3)/6 (PyTorch's <c>nn.Hardswish</c>).</summary>
public sealed class Hardswish : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input);
}
