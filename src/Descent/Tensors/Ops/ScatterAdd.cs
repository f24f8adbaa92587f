using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// scatter_add (PyTorch semantics: out[i][index[i][j][k]][k] += src[i][j][k] for dim 1), out of place and an
/// internal in-place variant. Repeated targets accumulate.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// A copy of this tensor where, at every position p of <paramref name="index"/>, src[p] is added to the
    /// element at p with coordinate <paramref name="dim"/> replaced by index[p]. The index has this tensor's
    /// rank, is no larger than <paramref name="src"/> in any dim and no larger than this tensor except in
    /// <paramref name="dim"/>. Float32, float64 and int64.
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        int d = CheckScatter(dim, index, src);
        var o = Empty(Shape, DType);
        CopyElements(this, o);
        o.ScatterAddKernel(d, index, src);
        if (NeedsGrad(this, src)) o.GradFn = new ScatterAddNode(this, src, d, index);
        return o;
    }

    /// <summary>input.scatter_add(dim, index, src).</summary>
    public static Tensor ScatterAdd(Tensor input, int dim, Tensor index, Tensor src) => input.ScatterAdd(dim, index, src);

    /// <summary>
    /// scatter_add into this tensor, in place and not recorded by autograd (PyTorch's scatter_add_). Internal:
    /// for backward passes and kernels that accumulate into a buffer they own.
    /// </summary>
    internal Tensor ScatterAddInPlace(int dim, Tensor index, Tensor src)
    {
        ScatterAddKernel(CheckScatter(dim, index, src), index, src);
        return this;
    }

    private int CheckScatter(int dim, Tensor index, Tensor src)
    {
        const string op = "scatter_add";
        if (DType == DType.Bool)
            throw new ArgumentException($"{op}: bool tensors are not supported (float32, float64, int64).");
        if (src.DType != DType)
            throw new ArgumentException($"{op}: src dtype {src.DType.TorchName()} differs from self dtype {DType.TorchName()}.");
        int d = CheckIndexed(op, this, dim, index, "self");
        if (src.Rank != index.Rank)
            throw new ArgumentException($"{op}: index {index.Shape} must have the same number of dims as src {src.Shape}.");
        for (int i = 0; i < index.Rank; i++)
            if (index.Shape.Dims[i] > src.Shape.Dims[i])
                throw new ArgumentException($"{op}: index {index.Shape} is larger than src {src.Shape} in dim {i}.");
        return d;
    }

    private void ScatterAddKernel(int d, Tensor index, Tensor src)
    {
        var idx = index.Span<long>();
        switch (DType)
        {
            case DType.Float32: GatherScatterKernels.ScatterAdd(Span<float>(), Shape.Dims, d, idx, index.Shape.Dims, src.Span<float>(), src.Shape.Dims); break;
            case DType.Float64: GatherScatterKernels.ScatterAdd(Span<double>(), Shape.Dims, d, idx, index.Shape.Dims, src.Span<double>(), src.Shape.Dims); break;
            default: GatherScatterKernels.ScatterAdd(Span<long>(), Shape.Dims, d, idx, index.Shape.Dims, src.Span<long>(), src.Shape.Dims); break;
        }
    }

    private sealed class ScatterAddNode(Tensor self, Tensor src, int dim, Tensor index) : Node(self, src)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            // self passes straight through; src[p] landed at one position of the output: gather it back.
            // Where src is larger than the index, its extra elements were unused and get zero.
            sink.Add(0, g);
            if (!sink.NeedsGrad(1)) return;
            var gs = src.Shape == index.Shape ? Empty(src.Shape, g.DType) : Zeros(src.Shape, g.DType);
            if (g.DType == DType.Float32)
                GatherScatterKernels.Gather(g.Span<float>(), g.Shape.Dims, dim, index.Span<long>(), index.Shape.Dims, gs.Span<float>(), src.Shape.Dims);
            else
                GatherScatterKernels.Gather(g.Span<double>(), g.Shape.Dims, dim, index.Span<long>(), index.Shape.Dims, gs.Span<double>(), src.Shape.Dims);
            sink.Add(1, gs);
        }
    }
}
