using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// PReLU: x &gt; 0 ? x : a·x with a learnable slope a, one shared or one per channel (dim 1), initialised to
/// <c>init</c> (PyTorch's <c>nn.PReLU</c>; parameter "weight").
/// </summary>
public sealed class PReLU : Module
{
    /// <summary>Creates the layer with <paramref name="numParameters"/> slopes (1 or the channel count).</summary>
    public PReLU(int numParameters = 1, double init = 0.25, DType dtype = DType.Float32)
    {
        if (numParameters < 1)
            throw new ArgumentOutOfRangeException(nameof(numParameters), numParameters, "PReLU: num_parameters must be at least 1.");
        Weight = RegisterParameter("weight", Tensor.Full(new Shape(numParameters), init, dtype));
    }

    /// <summary>The slopes, shape [num_parameters].</summary>
    public Tensor Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Prelu(input, Weight);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"num_parameters={Repr.Int(Weight.Numel)}";
}
