using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>Free views sharing storage (reshape, view, flatten, squeeze, unsqueeze, narrow on dim 0) and expand.</summary>
public sealed partial class Tensor
{
    /// <summary>Same elements with a new shape; one size may be −1 (inferred). Shares storage.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = ResolveShape(shape, Numel, Shape, "reshape");
        if (resolved == Shape) return AsView(Shape);
        return AsView(resolved);
    }

    /// <summary>Alias of <see cref="Reshape"/> (PyTorch's view; storage is always contiguous here).</summary>
    public Tensor View(params int[] shape) => Reshape(shape);

    /// <summary>Merges dims <paramref name="startDim"/>..<paramref name="endDim"/> into one. Shares storage.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Shape.NormalizeDim(startDim, Rank, "flatten");
        int e = Shape.NormalizeDim(endDim, Rank, "flatten");
        if (s > e)
            throw new ArgumentException($"flatten: start_dim {startDim} cannot come after end_dim {endDim} for shape {Shape}.");
        var dims = new List<int>();
        for (int i = 0; i < s; i++) dims.Add(Shape.Dims[i]);
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= Shape.Dims[i];
        dims.Add(merged);
        for (int i = e + 1; i < Rank; i++) dims.Add(Shape.Dims[i]);
        return AsView(Shape.Wrap([.. dims]));
    }

    /// <summary>Removes all size-1 dims, or only <paramref name="dim"/> when given and of size 1. Shares storage.</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var dims = new List<int>();
        if (dim is int d0)
        {
            int d = Shape.NormalizeDim(d0, Rank, "squeeze");
            for (int i = 0; i < Rank; i++)
                if (i != d || Shape.Dims[i] != 1) dims.Add(Shape.Dims[i]);
        }
        else
        {
            foreach (int s in Shape.Dims) if (s != 1) dims.Add(s);
        }
        return AsView(Shape.Wrap([.. dims]));
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> (−1 appends). Shares storage.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Rank + 1 : dim;
        if (d < 0 || d > Rank)
            throw new ArgumentOutOfRangeException(nameof(dim), $"unsqueeze: dimension {dim} out of range for rank {Rank} (expected {-Rank - 1}..{Rank}).");
        var dims = Shape.ToArray().ToList();
        dims.Insert(d, 1);
        return AsView(Shape.Wrap([.. dims]));
    }

    /// <summary>
    /// Elements <paramref name="start"/>..start+length−1 along <paramref name="dim"/>. Along dim 0 (or when all
    /// leading dims are 1) this is a free view sharing storage; along other dims it copies.
    /// </summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Shape.NormalizeDim(dim, Rank, "narrow");
        int size = Shape.Dims[d];
        if (start < 0) start += size;
        if (start < 0 || length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: [{start}, {start + length}) is out of range for dim {dim} of shape {Shape}.");
        var dims = Shape.ToArray();
        dims[d] = length;
        var shape = Shape.Wrap(dims);
        int inner = 1;
        for (int i = d + 1; i < Rank; i++) inner *= Shape.Dims[i];
        int outer = 1;
        for (int i = 0; i < d; i++) outer *= Shape.Dims[i];
        Tensor o;
        if (outer == 1)
        {
            o = new Tensor(Storage, Offset + start * inner, shape);
        }
        else
        {
            o = Empty(shape, DType);
            CopyBlocks(this, o, outer, size * inner, start * inner, length * inner, 0, length * inner);
        }
        if (NeedsGrad(this)) o.GradFn = new NarrowNode(this, d, start);
        return o;
    }

    /// <summary>Copies this tensor broadcast to <paramref name="shape"/> (a materialized expand).</summary>
    public Tensor Expand(Shape shape)
    {
        if (!Broadcasting.CanBroadcastTo(Shape, shape))
            throw new ArgumentException($"expand: {Shape} cannot be broadcast to {shape}.");
        if (shape == Shape) return this;
        var o = Empty(shape, DType);
        switch (DType)
        {
            case DType.Float32: ExpandInto<float>(this, o); break;
            case DType.Float64: ExpandInto<double>(this, o); break;
            case DType.Int64: ExpandInto<long>(this, o); break;
            case DType.Bool: ExpandInto<bool>(this, o); break;
            case DType.Int8: ExpandInto<sbyte>(this, o); break;
            case DType.UInt8: ExpandInto<byte>(this, o); break;
        }
        if (NeedsGrad(this)) o.GradFn = new ExpandNode(this);
        return o;
    }

    private static void ExpandInto<T>(Tensor src, Tensor dst) where T : unmanaged
    {
        Span<T> dummy = stackalloc T[1];
        Broadcasting.Apply(src.Span<T>(), src.Shape, dummy, Shape.Scalar, dst.Span<T>(), dst.Shape, default(CopyKernel<T>));
    }

    /// <summary>Copies <paramref name="blocks"/> runs of <paramref name="count"/> elements between strided positions.</summary>
    internal static void CopyBlocks(Tensor src, Tensor dst, int blocks, int srcStride, int srcStart, int count, int dstStart, int dstStride)
    {
        for (int b = 0; b < blocks; b++)
        {
            int s = b * srcStride + srcStart, t = b * dstStride + dstStart;
            switch (src.DType.ElementSize())
            {
                case 8: src.Bits<long>().Slice(s, count).CopyTo(dst.Bits<long>().Slice(t, count)); break;
                case 4: src.Bits<int>().Slice(s, count).CopyTo(dst.Bits<int>().Slice(t, count)); break;
                default: src.Bits<byte>().Slice(s, count).CopyTo(dst.Bits<byte>().Slice(t, count)); break;
            }
        }
    }

    private Tensor AsView(Shape shape)
    {
        var o = new Tensor(Storage, Offset, shape);
        if (NeedsGrad(this)) o.GradFn = new ViewNode(this);
        return o;
    }

    private static Shape ResolveShape(int[] shape, int numel, Shape from, string op)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred (-1) in {Shape.Format(shape)}.");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: invalid size {shape[i]} in {Shape.Format(shape)}.");
            else known *= shape[i];
        }
        var dims = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"{op}: shape {Shape.Format(shape)} is invalid for input {from} of size {numel}.");
            dims[infer] = (int)(numel / known);
        }
        else if (known != numel)
        {
            throw new ArgumentException($"{op}: shape {Shape.Format(shape)} is invalid for input {from} of size {numel}.");
        }
        return Shape.Wrap(dims);
    }

    private sealed class ViewNode(Tensor input) : Node(input)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, g.Reshape(input.Shape.ToArray()));
    }

    private sealed class ExpandNode(Tensor input) : Node(input)
    {
        // The engine sums the expanded gradient back to the input's shape.
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, g);
    }

    private sealed class NarrowNode(Tensor input, int dim, int start) : Node(input)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var full = Zeros(input.Shape, g.DType);
            int inner = 1, outer = 1;
            for (int i = dim + 1; i < input.Rank; i++) inner *= input.Shape.Dims[i];
            for (int i = 0; i < dim; i++) outer *= input.Shape.Dims[i];
            int len = g.Shape.Dims[dim];
            CopyBlocks(g, full, outer, len * inner, 0, len * inner, start * inner, input.Shape.Dims[dim] * inner);
            sink.Add(0, full);
        }
    }
}
