using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>sum over all elements or along dims (keepdim), and the un-broadcasting reduction SumToShape.</summary>
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (0-d result).</summary>
    public Tensor Sum()
    {
        RequireFloat("sum");
        var o = Empty(Shape.Scalar, DType);
        if (DType == DType.Float32) o.Span<float>()[0] = SumKernels.Sum<float>(Span<float>());
        else o.Span<double>()[0] = SumKernels.Sum<double>(Span<double>());
        if (NeedsGrad(this)) o.GradFn = new SumNode(this, null);
        return o;
    }

    /// <summary>Sum along <paramref name="dim"/>; keeps it as size 1 when <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum along several dims.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        RequireFloat("sum");
        var reduce = NormalizeDims(dims, Rank, "sum");
        Tensor o = this.Detach();
        for (int d = Rank - 1; d >= 0; d--)
            if (reduce[d]) o = o.SumOneDim(d);
        var outShape = ReducedShape(Shape, reduce, keepDim);
        o = o.Reshape(outShape.ToArray()).Detach();
        if (NeedsGrad(this)) o.GradFn = new SumNode(this, reduce);
        return o;
    }

    /// <summary>
    /// Sums this tensor down to <paramref name="target"/>, a shape that broadcasts to this one: the reverse of
    /// broadcasting, used by the autograd engine to give each input a gradient of its own shape.
    /// </summary>
    public Tensor SumToShape(Shape target)
    {
        if (target == Shape) return this;
        if (!Broadcasting.CanBroadcastTo(target, Shape))
            throw new ArgumentException($"sum_to_size: {target} does not broadcast to {Shape}.");
        var reduce = new bool[Rank];
        int lead = Rank - target.Rank;
        for (int d = 0; d < Rank; d++)
            reduce[d] = d < lead || (target.Dims[d - lead] == 1 && Shape.Dims[d] != 1);
        var o = this.Detach();
        for (int d = Rank - 1; d >= 0; d--)
            if (reduce[d]) o = o.SumOneDim(d);
        var result = o.Reshape(target.ToArray()).Detach();
        if (NeedsGrad(this)) result.GradFn = new SumNode(this, reduce);
        return result;
    }

    /// <summary>Sum along one dim, keeping it (size 1). No autograd.</summary>
    private Tensor SumOneDim(int d)
    {
        int outer = 1, inner = 1, size = Shape.Dims[d];
        for (int i = 0; i < d; i++) outer *= Shape.Dims[i];
        for (int i = d + 1; i < Rank; i++) inner *= Shape.Dims[i];
        var dims = Shape.ToArray();
        dims[d] = 1;
        var o = Empty(Shape.Wrap(dims), DType);
        if (DType == DType.Float32) SumKernels.SumMiddle<float>(Span<float>(), o.Span<float>(), outer, size, inner);
        else SumKernels.SumMiddle<double>(Span<double>(), o.Span<double>(), outer, size, inner);
        return o;
    }

    /// <summary>Marks which dims to reduce; an empty list means all dims (PyTorch's dim=None).</summary>
    internal static bool[] NormalizeDims(int[] dims, int rank, string op)
    {
        var reduce = new bool[rank];
        if (dims.Length == 0) { Array.Fill(reduce, true); return reduce; }
        foreach (int dim in dims)
        {
            int d = Shape.NormalizeDim(dim, rank, op);
            if (rank == 0) continue;
            if (reduce[d]) throw new ArgumentException($"{op}: dim {dim} appears more than once in the list of dims.");
            reduce[d] = true;
        }
        return reduce;
    }

    /// <summary>Output shape of a reduction over the marked dims.</summary>
    internal static Shape ReducedShape(Shape shape, bool[] reduce, bool keepDim)
    {
        var dims = new List<int>(shape.Rank);
        for (int d = 0; d < shape.Rank; d++)
        {
            if (!reduce[d]) dims.Add(shape.Dims[d]);
            else if (keepDim) dims.Add(1);
        }
        return Shape.Wrap([.. dims]);
    }

    /// <summary>The input shape with reduced dims set to 1: a reduction's gradient broadcasts back from it.</summary>
    internal static Shape KeepDimShape(Shape input, bool[]? reduce)
    {
        var dims = input.ToArray();
        for (int d = 0; d < dims.Length; d++)
            if (reduce is null || reduce[d]) dims[d] = 1;
        return Shape.Wrap(dims);
    }

    private sealed class SumNode(Tensor input, bool[]? reduce) : Node(input)
    {
        // Each input element contributed once: broadcast the gradient back from the keepdim shape.
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, g.Reshape(KeepDimShape(input.Shape, reduce).ToArray()).Expand(input.Shape));
    }
}
