using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// max/min over all elements or along a dim (values and int64 indices), amax/amin over dims, argmax/argmin.
/// Gradients follow PyTorch 1.13: a dim reduction sends the gradient to the returned index; the full
/// reduction and amax/amin spread it evenly over all elements equal to the result (or all NaNs).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Largest element (0-d); NaN if any element is NaN.</summary>
    public Tensor Max() => FullMaxMin(true);

    /// <summary>Smallest element (0-d); NaN if any element is NaN.</summary>
    public Tensor Min() => FullMaxMin(false);

    /// <summary>Max along <paramref name="dim"/>: values and the int64 index of the first maximum.</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => DimMaxMin(dim, keepDim, true);

    /// <summary>Min along <paramref name="dim"/>: values and the int64 index of the first minimum.</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => DimMaxMin(dim, keepDim, false);

    /// <summary>Max over several dims (all when empty); the gradient is shared evenly among ties.</summary>
    public Tensor Amax(int[] dims, bool keepDim = false) => AmaxAmin(dims, keepDim, true);

    /// <summary>Min over several dims (all when empty); the gradient is shared evenly among ties.</summary>
    public Tensor Amin(int[] dims, bool keepDim = false) => AmaxAmin(dims, keepDim, false);

    /// <summary>Flat index (0-d int64) of the first maximum of the flattened tensor.</summary>
    public Tensor Argmax() => FullArg(true);

    /// <summary>Flat index (0-d int64) of the first minimum of the flattened tensor.</summary>
    public Tensor Argmin() => FullArg(false);

    /// <summary>Index (int64) of the first maximum along <paramref name="dim"/>.</summary>
    public Tensor Argmax(int dim, bool keepDim = false) => DimMaxMin(dim, keepDim, true, "argmax").Indices;

    /// <summary>Index (int64) of the first minimum along <paramref name="dim"/>.</summary>
    public Tensor Argmin(int dim, bool keepDim = false) => DimMaxMin(dim, keepDim, false, "argmin").Indices;

    private Tensor FullMaxMin(bool isMax)
    {
        string op = isMax ? "max" : "min";
        RequireFloat(op);
        if (Numel == 0)
            throw new ArgumentException($"{op}(): expected a non-empty tensor; this one has shape {Shape}. Specify a dim to reduce an empty tensor along another one.");
        var o = Empty(Shape.Scalar, DType);
        if (DType == DType.Float32) o.Span<float>()[0] = MaxMinKernels.Reduce<float>(Span<float>(), isMax);
        else o.Span<double>()[0] = MaxMinKernels.Reduce<double>(Span<double>(), isMax);
        if (NeedsGrad(this)) o.GradFn = new EvenMaxNode(this, o.Detach(), null, isMax);
        return o;
    }

    private Tensor FullArg(bool isMax)
    {
        string op = isMax ? "argmax" : "argmin";
        RequireFloat(op);
        if (Numel == 0) throw new ArgumentException($"{op}(): expected a non-empty tensor; this one has shape {Shape}.");
        int index = DType == DType.Float32 ? MaxMinKernels.IndexOf<float>(Span<float>(), isMax) : MaxMinKernels.IndexOf<double>(Span<double>(), isMax);
        return Scalar(index, DType.Int64);
    }

    private (Tensor Values, Tensor Indices) DimMaxMin(int dim, bool keepDim, bool isMax, string? name = null)
    {
        string op = name ?? (isMax ? "max" : "min");
        RequireFloat(op);
        int d = Shape.NormalizeDim(dim, Rank, op);
        var (outer, size, inner) = ReductionLayout(d);
        if (size == 0)
            throw new ArgumentException($"{op}(): cannot reduce dim {dim} of size 0 in shape {Shape}.");
        var reduce = new bool[Rank];
        if (Rank > 0) reduce[d] = true;
        var shape = ReducedShape(Shape, reduce, keepDim);
        var values = Empty(shape, DType);
        var indices = Empty(shape, DType.Int64);
        if (DType == DType.Float32)
            MaxMinKernels.ReduceMiddle<float>(Span<float>(), values.Span<float>(), indices.Span<long>(), outer, size, inner, isMax);
        else
            MaxMinKernels.ReduceMiddle<double>(Span<double>(), values.Span<double>(), indices.Span<long>(), outer, size, inner, isMax);
        if (name is null && NeedsGrad(this)) values.GradFn = new IndexedMaxNode(this, indices, d, isMax);
        return (values, indices);
    }

    private Tensor AmaxAmin(int[] dims, bool keepDim, bool isMax)
    {
        string op = isMax ? "amax" : "amin";
        RequireFloat(op);
        var reduce = NormalizeDims(dims, Rank, op);
        var kept = ReduceExtremeKeepDim(this, reduce, isMax, op);
        var o = kept.Reshape(ReducedShape(Shape, reduce, keepDim).ToArray()).Detach();
        if (NeedsGrad(this)) o.GradFn = new EvenMaxNode(this, kept, reduce, isMax);
        return o;
    }

    /// <summary>Max/min over the marked dims, keeping them as size 1; no autograd.</summary>
    internal static Tensor ReduceExtremeKeepDim(Tensor x, bool[] reduce, bool isMax, string op)
    {
        var o = x.Detach();
        for (int d = x.Rank - 1; d >= 0; d--)
        {
            if (!reduce[d]) continue;
            var (outer, size, inner) = o.ReductionLayout(d);
            if (size == 0) throw new ArgumentException($"{op}(): cannot reduce dim {d} of size 0 in shape {x.Shape}.");
            var dims = o.Shape.ToArray();
            dims[d] = 1;
            var r = Empty(Shape.Wrap(dims), x.DType);
            if (x.DType == DType.Float32) MaxMinKernels.ReduceMiddle<float>(o.Span<float>(), r.Span<float>(), default, outer, size, inner, isMax);
            else MaxMinKernels.ReduceMiddle<double>(o.Span<double>(), r.Span<double>(), default, outer, size, inner, isMax);
            o = r;
        }
        if (x.Rank == 0) o = x.Detach().Clone();
        return o;
    }

    /// <summary>Sizes before, along and after <paramref name="d"/> (a 0-d tensor is one element).</summary>
    internal (int Outer, int Size, int Inner) ReductionLayout(int d)
    {
        if (Rank == 0) return (1, 1, 1);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= Shape.Dims[i];
        for (int i = d + 1; i < Rank; i++) inner *= Shape.Dims[i];
        return (outer, Shape.Dims[d], inner);
    }

    private sealed class IndexedMaxNode(Tensor x, Tensor indices, int dim, bool isMax) : Node(x)
    {
        public override string Name => isMax ? "MaxBackward" : "MinBackward";

        // Scatter each output gradient to the input position its index names.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var full = Zeros(x.Shape, g.DType);
            var (outer, size, inner) = x.ReductionLayout(dim);
            var idx = indices.Span<long>();
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int k = o * inner + i;
                    full.SetDouble((o * size + (int)idx[k]) * inner + i, g.GetDouble(k));
                }
            sink.Add(0, full);
        }
    }

    private sealed class EvenMaxNode(Tensor x, Tensor keptResult, bool[]? reduce, bool isMax) : Node(x)
    {
        public override string Name => isMax ? "MaxBackward" : "MinBackward";

        // PyTorch's evenly_distribute_backward: mask = (x == result), or isnan(x) when the result is NaN;
        // each masked element gets grad / count.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var keep = KeepDimShape(x.Shape, reduce);
            var r = keptResult.Reshape(keep.ToArray());
            var mask = LogicalOr(Eq(x, r), LogicalAnd(x.IsNaN(), r.IsNaN()));
            var maskF = mask.To(g.DType);
            var count = reduce is null ? maskF.Sum() : maskF.Sum(DimsOf(reduce), keepDim: true);
            var share = Div(g.Reshape(keep.ToArray()), count.Reshape(keep.ToArray()));
            sink.Add(0, Mul(maskF, share));
        }
    }

    /// <summary>The indices of the marked dims.</summary>
    internal static int[] DimsOf(bool[] reduce)
    {
        var list = new List<int>();
        for (int d = 0; d < reduce.Length; d++) if (reduce[d]) list.Add(d);
        return [.. list];
    }
}
