using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// index_select (an embedding lookup is <c>weight.IndexSelect(0, ids)</c>) and its adjoint index_add, used by
/// the backward pass. Works on every dtype; gradients flow to float inputs.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// The slices <paramref name="index"/>[0], index[1], … of dim <paramref name="dim"/>, in that order (repeats
    /// allowed). <paramref name="index"/> is a 1-D (or 0-D) int64 tensor with values in [0, size).
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        const string op = "index_select";
        RequireIndex(index, op);
        if (index.Rank > 1)
            throw new ArgumentException($"{op}: index must be 1-D or a scalar, got shape {index.Shape}.");
        if (Rank == 0)
            throw new ArgumentException($"{op}: cannot select from a 0-D tensor; reshape it to [1] first.");
        int d = Shape.NormalizeDim(dim, Rank, op);
        int size = Shape.Dims[d];
        var idx = index.Span<long>();
        int bad = IndexSelectKernels.FirstOutOfRange(idx, size);
        if (bad >= 0)
            throw new IndexOutOfRangeException($"{op}: index {idx[bad]} at position {bad} is out of range for dim {d} of size {size}.");

        var dims = Shape.ToArray();
        dims[d] = idx.Length;
        var o = Empty(Shape.Wrap(dims), DType);
        int outer = SizeProduct(Shape, 0, d), inner = SizeProduct(Shape, d + 1, Rank);
        switch (DType.ElementSize())
        {
            case 1: IndexSelectKernels.IndexSelect<byte>(Bits<byte>(), outer, size, inner, idx, o.Bits<byte>()); break;
            case 4: IndexSelectKernels.IndexSelect<int>(Bits<int>(), outer, size, inner, idx, o.Bits<int>()); break;
            default: IndexSelectKernels.IndexSelect<long>(Bits<long>(), outer, size, inner, idx, o.Bits<long>()); break;
        }
        if (NeedsGrad(this)) o.GradFn = new IndexSelectNode(this, d, index);
        return o;
    }

    /// <summary>input.index_select(dim, index).</summary>
    public static Tensor IndexSelect(Tensor input, int dim, Tensor index) => input.IndexSelect(dim, index);

    /// <summary>
    /// this[..., index[j], ...] += source[..., j, ...] along <paramref name="dim"/>, in place and not recorded
    /// (PyTorch's index_add_ with alpha 1). Indices must be valid; repeats accumulate. Internal: the adjoint of
    /// <see cref="IndexSelect(int, Tensor)"/>.
    /// </summary>
    internal Tensor IndexAddInPlace(int dim, Tensor index, Tensor source)
    {
        int size = Shape.Dims[dim];
        int outer = SizeProduct(Shape, 0, dim), inner = SizeProduct(Shape, dim + 1, Rank);
        var idx = index.Span<long>();
        switch (DType)
        {
            case DType.Float32: IndexSelectKernels.IndexAdd(Span<float>(), outer, size, inner, idx, source.Span<float>()); break;
            case DType.Float64: IndexSelectKernels.IndexAdd(Span<double>(), outer, size, inner, idx, source.Span<double>()); break;
            case DType.Int64: IndexSelectKernels.IndexAdd(Span<long>(), outer, size, inner, idx, source.Span<long>()); break;
            default: throw new InvalidOperationException($"index_add: unsupported dtype {DType.TorchName()}.");
        }
        return this;
    }

    private sealed class IndexSelectNode(Tensor input, int dim, Tensor index) : Node(input)
    {
        // Each selected slice received g's slice; repeated indices sum (index_add of the gradient).
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, Zeros(input.Shape, g.DType).IndexAddInPlace(dim, index, g));
    }
}
