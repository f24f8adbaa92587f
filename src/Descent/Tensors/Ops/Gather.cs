using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// gather along a dim (PyTorch semantics: out[i][j][k] = input[i][index[i][j][k]][k] for dim 1), plus the
/// shape and bounds validation it shares with scatter_add.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Picks, at every position p of <paramref name="index"/>, the element of this tensor at p with coordinate
    /// <paramref name="dim"/> replaced by index[p]. The result has the index's shape; the index has this
    /// tensor's rank and is no larger in any dim but <paramref name="dim"/>.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        const string op = "gather";
        int d = CheckIndexed(op, this, dim, index, "input");
        var o = Empty(index.Shape, DType);
        var idx = index.Span<long>();
        switch (DType.ElementSize())
        {
            case 1: GatherScatterKernels.Gather<byte>(Bits<byte>(), Shape.Dims, d, idx, index.Shape.Dims, o.Bits<byte>(), index.Shape.Dims); break;
            case 4: GatherScatterKernels.Gather<int>(Bits<int>(), Shape.Dims, d, idx, index.Shape.Dims, o.Bits<int>(), index.Shape.Dims); break;
            default: GatherScatterKernels.Gather<long>(Bits<long>(), Shape.Dims, d, idx, index.Shape.Dims, o.Bits<long>(), index.Shape.Dims); break;
        }
        if (NeedsGrad(this)) o.GradFn = new GatherNode(this, d, index);
        return o;
    }

    /// <summary>input.gather(dim, index).</summary>
    public static Tensor Gather(Tensor input, int dim, Tensor index) => input.Gather(dim, index);

    /// <summary>
    /// Validates an index for gather/scatter along <paramref name="dim"/> of <paramref name="indexed"/>: int64,
    /// same rank, no larger than <paramref name="indexed"/> in the other dims, values in range. Returns the
    /// normalized dim.
    /// </summary>
    internal static int CheckIndexed(string op, Tensor indexed, int dim, Tensor index, string name)
    {
        RequireIndex(index, op);
        int d = Shape.NormalizeDim(dim, indexed.Rank, op);
        if (index.Rank != indexed.Rank)
            throw new ArgumentException(
                $"{op}: index {index.Shape} must have the same number of dims as {name} {indexed.Shape}.");
        for (int i = 0; i < index.Rank; i++)
            if (i != d && index.Shape.Dims[i] > indexed.Shape.Dims[i])
                throw new ArgumentException(
                    $"{op}: index {index.Shape} is larger than {name} {indexed.Shape} in dim {i} (only dim {d} may be larger).");
        int size = indexed.Rank == 0 ? 1 : indexed.Shape.Dims[d];
        var idx = index.Span<long>();
        int bad = IndexSelectKernels.FirstOutOfRange(idx, size);
        if (bad >= 0)
            throw new IndexOutOfRangeException(
                $"{op}: index {idx[bad]} at position {FormatPosition(bad, index.Shape)} is out of range for dim {d} of size {size}.");
        return d;
    }

    /// <summary>g scattered back into zeros shaped like <paramref name="target"/> (the adjoint of gather).</summary>
    private static Tensor ScatterAddIntoZeros(Shape target, int dim, Tensor index, Tensor g)
    {
        var result = Zeros(target, g.DType);
        if (g.DType == DType.Float32)
            GatherScatterKernels.ScatterAdd(result.Span<float>(), target.Dims, dim, index.Span<long>(), index.Shape.Dims, g.Span<float>(), g.Shape.Dims);
        else
            GatherScatterKernels.ScatterAdd(result.Span<double>(), target.Dims, dim, index.Span<long>(), index.Shape.Dims, g.Span<double>(), g.Shape.Dims);
        return result;
    }

    private sealed class GatherNode(Tensor input, int dim, Tensor index) : Node(input)
    {
        // Every gathered element came from one input position: add g there (scatter_add; repeats sum).
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, ScatterAddIntoZeros(input.Shape, dim, index, g));
    }
}
