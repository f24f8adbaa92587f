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

    /// <summary>
    /// A new, independent PReLU for the kept <paramref name="channels"/> (strictly increasing, in range): one slope per
    /// kept channel, or, when this layer has a single shared slope, a copy of it (any channel selection then fits).
    /// Dtype and training mode are kept.
    /// </summary>
    public PReLU Keep(IReadOnlyList<int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var kept = KeptIndices.Check($"{TypeName}({ExtraRepr()})", "channels", Weight.Numel == 1 ? int.MaxValue : Weight.Numel, channels);
        var result = new PReLU(Weight.Numel == 1 ? 1 : kept.Length, 0.25, Weight.DType);
        KeptIndices.CopyInto(result.Weight, Weight.Numel == 1 ? Weight : KeptIndices.Take(Weight, 0, kept));
        result.Train(Training);
        return result;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"num_parameters={Repr.Int(Weight.Numel)}";
}
