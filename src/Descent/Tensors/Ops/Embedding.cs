using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Embedding lookup (PyTorch's <c>F.embedding</c>): rows of a [num, dim] table selected by int64 indices of any
/// shape. The weight gradient is dense: each looked-up row receives the sum of its output gradients, except
/// the padding row, which receives none.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// weight[indices] → shape [..indices.shape, dim]. <paramref name="paddingIdx"/> (may be negative, counted from the
    /// end) marks a row that gets no gradient; its forward value is the row itself, as in PyTorch.
    /// </summary>
    public static Tensor Embedding(Tensor weight, Tensor indices, int? paddingIdx = null)
    {
        const string op = "embedding";
        weight.RequireFloat(op);
        if (weight.Rank != 2)
            throw new ArgumentException($"{op}: weight must be 2-D [num_embeddings, embedding_dim], got {weight.Shape}.");
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{op}: indices must be int64, got {indices.DType.TorchName()} {indices.Shape}.");
        int num = weight.Shape[0], dim = weight.Shape[1];
        long padding = -1;
        if (paddingIdx is int pi)
        {
            if (pi < -num || pi >= num)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"{op}: padding_idx {pi} must be within num_embeddings {num} (weight {weight.Shape}).");
            padding = pi < 0 ? pi + num : pi;
        }
        var idx = indices.Span<long>();
        for (int i = 0; i < idx.Length; i++)
        {
            if ((ulong)idx[i] >= (ulong)num)
                throw new IndexOutOfRangeException(
                    $"{op}: index {idx[i]} at position {Shape.Format(Unravel(i, indices.Shape))} of indices {indices.Shape} is out of range " +
                    $"for weight {weight.Shape} (expected 0..{num - 1}).");
        }
        var outDims = new int[indices.Rank + 1];
        indices.Shape.Dims.CopyTo(outDims);
        outDims[^1] = dim;
        var o = Empty(Shape.Wrap(outDims), weight.DType);
        if (weight.DType == DType.Float32) EmbeddingKernels.Gather<float>(weight.Span<float>(), idx, o.Span<float>(), dim);
        else EmbeddingKernels.Gather<double>(weight.Span<double>(), idx, o.Span<double>(), dim);
        if (NeedsGrad(weight)) o.GradFn = new EmbeddingNode(weight, indices, padding);
        return o;
    }

    /// <summary>Multi-index of flat position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    private static int[] Unravel(int flat, Shape shape)
    {
        var position = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            position[d] = flat % shape.Dims[d];
            flat /= shape.Dims[d];
        }
        return position;
    }

    private sealed class EmbeddingNode(Tensor weight, Tensor indices, long paddingIdx) : Node(weight)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == weight.DType ? gradOutput : gradOutput.To(weight.DType);
            var dw = Zeros(weight.Shape, weight.DType);
            int dim = weight.Shape[1];
            if (weight.DType == DType.Float32)
                EmbeddingKernels.ScatterAdd<float>(grad.Span<float>(), indices.Span<long>(), dw.Span<float>(), dim, paddingIdx);
            else
                EmbeddingKernels.ScatterAdd<double>(grad.Span<double>(), indices.Span<long>(), dw.Span<double>(), dim, paddingIdx);
            sink.Add(0, dw);
        }
    }
}
