using Descent.Tensors;

namespace Descent.NN;

/// <summary>Softmax along <c>dim</c> (PyTorch's <c>nn.Softmax</c>), numerically stable and fused.</summary>
public sealed class Softmax(int dim) : Module
{
    /// <summary>Dimension normalized over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Softmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Repr.Int(Dim)}";
}

/// <summary>Log-softmax along <c>dim</c> (PyTorch's <c>nn.LogSoftmax</c>), numerically stable and fused.</summary>
public sealed class LogSoftmax(int dim) : Module
{
    /// <summary>Dimension normalized over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.LogSoftmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Repr.Int(Dim)}";
}
