using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Layer normalization over the trailing <c>normalizedShape</c> dims (PyTorch's <c>nn.LayerNorm</c>): biased
/// variance per sample, learnable elementwise "weight" (ones) and "bias" (zeros) of that shape when
/// <c>elementwiseAffine</c>. One fused autograd node.
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 1))
            throw new ArgumentException($"LayerNorm: normalized_shape {Shape.Format(normalizedShape)} must be non-empty with positive sizes.", nameof(normalizedShape));
        if (!(eps > 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(new Shape([.. NormalizedShape]), dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros(new Shape([.. NormalizedShape]), dtype));
        }
    }

    /// <summary>Normalizes the last dim of size <paramref name="normalizedSize"/>.</summary>
    public LayerNorm(int normalizedSize, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedSize], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>The trailing dims normalized over.</summary>
    public IReadOnlyList<int> NormalizedShape { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Scale (null unless elementwise affine).</summary>
    public Tensor? Weight { get; }

    /// <summary>Shift (null unless elementwise affine).</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, [.. NormalizedShape], Weight, Bias, Eps);

    /// <summary>
    /// A new, independent LayerNorm over the kept <paramref name="indices"/> of normalized dim <paramref name="dim"/>
    /// (0: the first normalized dim, i.e. the features of the usual 1-D shape or the channels of [C, H, W]); weight
    /// and bias sliced, eps, dtype and training mode kept. Indices must be strictly increasing and in range. The
    /// statistics are then taken over the kept elements only, as in a model built that size.
    /// </summary>
    public LayerNorm Keep(IReadOnlyList<int> indices, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var layer = $"{TypeName}({ExtraRepr()})";
        if (dim < 0 || dim >= NormalizedShape.Count)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{layer}.Keep: dim must index normalized_shape {Repr.Tuple([.. NormalizedShape])}.");
        var kept = KeptIndices.Check(layer, "indices", NormalizedShape[dim], indices);
        var shape = NormalizedShape.ToArray();
        shape[dim] = kept.Length;
        var result = new LayerNorm(shape, Eps, Weight is not null, Weight?.DType ?? DType.Float32);
        if (Weight is not null) KeptIndices.CopyInto(result.Weight, KeptIndices.Take(Weight, dim, kept));
        if (Bias is not null) KeptIndices.CopyInto(result.Bias, KeptIndices.Take(Bias, dim, kept));
        result.Train(Training);
        return result;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Repr.Tuple([.. NormalizedShape])}, eps={Repr.Float(Eps)}, elementwise_affine={Repr.Bool(Weight is not null)}";
}
