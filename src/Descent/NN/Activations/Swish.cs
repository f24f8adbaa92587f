using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Swish with a learnable β (Ramachandran et al. 2017): x·σ(βx). β is a one-element parameter named "beta";
/// with β = 1 this is SiLU.
/// </summary>
public sealed class Swish : Module
{
    /// <summary>Creates the layer with initial <paramref name="beta"/>; <paramref name="trainable"/> false freezes it.</summary>
    public Swish(double beta = 1.0, bool trainable = true, DType dtype = DType.Float32)
    {
        Beta = RegisterParameter("beta", Tensor.Full(new Shape(1), beta, dtype));
        if (!trainable) Beta.RequiresGrad = false;
    }

    /// <summary>The β parameter, shape [1].</summary>
    public Tensor Beta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Swish(input, Beta);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"beta={Repr.Float(Beta.Item())}";
}
