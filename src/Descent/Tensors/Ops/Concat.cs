using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>cat (join along an existing dim) and stack (join along a new dim), any dtype, with type promotion.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Joins <paramref name="tensors"/> along <paramref name="dim"/>; all sizes but that dim must match. Mixed
    /// dtypes promote as in PyTorch. 1-D empty tensors (shape [0]) are skipped, as PyTorch's legacy rule.
    /// </summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        const string op = "cat";
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
            throw new ArgumentException($"{op}: expected a non-empty list of tensors.");
        var parts = new List<Tensor>(tensors.Count);
        foreach (var t in tensors)
            if (!(t.Rank == 1 && t.Numel == 0)) parts.Add(t);
        if (parts.Count == 0) return Promoted(tensors, op)[0].Clone();
        var inputs = Promoted(parts, op);
        var first = inputs[0];
        if (first.Rank == 0)
            throw new ArgumentException($"{op}: zero-dimensional tensor {first.Shape} (entry 0) cannot be concatenated; use Stack.");
        int d = Shape.NormalizeDim(dim, first.Rank, op);
        int total = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (t.Rank != first.Rank)
                throw new ArgumentException($"{op}: tensors must have the same number of dims, got {first.Shape} and {t.Shape} (entry {i}).");
            for (int k = 0; k < first.Rank; k++)
                if (k != d && t.Shape.Dims[k] != first.Shape.Dims[k])
                    throw new ArgumentException(
                        $"{op}: sizes must match except in dim {d}: {first.Shape} (entry 0) and {t.Shape} (entry {i}) differ in dim {k}.");
            total += t.Shape.Dims[d];
        }
        var dims = first.Shape.ToArray();
        dims[d] = total;
        var o = Empty(Shape.Wrap(dims), first.DType);
        int outer = SizeProduct(first.Shape, 0, d), inner = SizeProduct(first.Shape, d + 1, first.Rank);
        int offset = 0;
        foreach (var t in inputs)
        {
            int len = t.Shape.Dims[d];
            CopyRuns(t, o, outer, len * inner, total * inner, offset * inner, toStrided: true);
            offset += len;
        }
        if (NeedsGrad(inputs)) o.GradFn = new JoinNode(inputs, d, outer, inner, stacked: false);
        return o;
    }

    /// <summary>
    /// Joins equally shaped <paramref name="tensors"/> along a new dim inserted at <paramref name="dim"/>
    /// (0..rank; negative counts from the end of the result). Mixed dtypes promote.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        const string op = "stack";
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
            throw new ArgumentException($"{op}: expected a non-empty list of tensors.");
        var inputs = Promoted(tensors, op);
        var shape = inputs[0].Shape;
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i].Shape != shape)
                throw new ArgumentException($"{op}: expected each tensor to be equal size, but got {shape} at entry 0 and {inputs[i].Shape} at entry {i}.");
        int d = Shape.NormalizeDim(dim, shape.Rank + 1, op);
        var dims = new List<int>(shape.ToArray());
        dims.Insert(d, inputs.Length);
        var o = Empty(Shape.Wrap([.. dims]), inputs[0].DType);
        int outer = SizeProduct(shape, 0, d), inner = SizeProduct(shape, d, shape.Rank);
        for (int i = 0; i < inputs.Length; i++)
            CopyRuns(inputs[i], o, outer, inner, inputs.Length * inner, i * inner, toStrided: true);
        if (NeedsGrad(inputs)) o.GradFn = new JoinNode(inputs, d, outer, inner, stacked: true);
        return o;
    }

    /// <summary>The inputs converted to their promoted dtype (float conversions stay differentiable).</summary>
    private static Tensor[] Promoted(IReadOnlyList<Tensor> tensors, string op)
    {
        var dtype = tensors[0].DType;
        for (int i = 1; i < tensors.Count; i++) dtype = DTypeExtensions.Promote(dtype, tensors[i].DType);
        var result = new Tensor[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
            result[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"{op}: entry {i} is null.")).To(dtype);
        return result;
    }

    /// <summary>
    /// Copies [blocks, run] contiguous data to/from every stride-th run of the other tensor, starting at start.
    /// <paramref name="toStrided"/>: contiguous → strided (join); otherwise strided → contiguous (split).
    /// </summary>
    private static void CopyRuns(Tensor contiguous, Tensor strided, int blocks, int run, int stride, int start, bool toStrided)
    {
        switch (contiguous.DType.ElementSize())
        {
            case 1:
                if (toStrided) RunCopyKernels.Scatter<byte>(contiguous.Bits<byte>(), strided.Bits<byte>(), blocks, run, stride, start);
                else RunCopyKernels.Gather<byte>(strided.Bits<byte>(), stride, start, contiguous.Bits<byte>(), blocks, run);
                break;
            case 4:
                if (toStrided) RunCopyKernels.Scatter<int>(contiguous.Bits<int>(), strided.Bits<int>(), blocks, run, stride, start);
                else RunCopyKernels.Gather<int>(strided.Bits<int>(), stride, start, contiguous.Bits<int>(), blocks, run);
                break;
            default:
                if (toStrided) RunCopyKernels.Scatter<long>(contiguous.Bits<long>(), strided.Bits<long>(), blocks, run, stride, start);
                else RunCopyKernels.Gather<long>(strided.Bits<long>(), stride, start, contiguous.Bits<long>(), blocks, run);
                break;
        }
    }

    private sealed class JoinNode(Tensor[] inputs, int dim, int outer, int inner, bool stacked) : Node(inputs)
    {
        public override string Name => stacked ? "StackBackward" : "CatBackward";

        // Each input's gradient is its own slab of g: a free view when the slabs are contiguous (outer = 1).
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            int count = Inputs.Length;
            int total = stacked ? count : g.Shape.Dims[dim];
            int offset = 0;
            for (int i = 0; i < count; i++)
            {
                var shape = Inputs[i].Shape;
                int len = stacked ? 1 : shape.Dims[dim];
                if (sink.NeedsGrad(i))
                {
                    Tensor gi;
                    if (outer == 1)
                    {
                        gi = new Tensor(g.Storage, g.Offset + offset * inner, shape);
                    }
                    else
                    {
                        gi = Empty(shape, g.DType);
                        CopyRuns(gi, g, outer, len * inner, total * inner, offset * inner, toStrided: false);
                    }
                    sink.Add(i, gi);
                }
                offset += len;
            }
        }
    }
}
