using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// log Σ exp(x) along dims, stable for any magnitude: the max m is subtracted first (PyTorch's logsumexp,
/// with infinite maxima replaced by 0 so ±∞ inputs give ±∞ rather than NaN). Gradient: g·exp(x − result).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>log Σ exp over <paramref name="dim"/>.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>log Σ exp over several dims (all when empty).</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        RequireFloat("logsumexp");
        var reduce = NormalizeDims(dims, Rank, "logsumexp");
        var all = DimsOf(reduce);
        var keepShape = KeepDimShape(Shape, reduce);
        Tensor kept;
        using (GradMode.Disable())
        {
            Tensor m;
            if (Numel == 0)
            {
                m = Zeros(keepShape, DType);
            }
            else
            {
                m = ReduceExtremeKeepDim(this, reduce, true, "logsumexp");
                m = Where(Eq(Abs(m), double.PositiveInfinity), 0.0, m);
            }
            kept = Add(Log(Exp(Sub(this, m)).Sum(all, keepDim: true)), m);
        }
        var o = kept.Reshape(ReducedShape(Shape, reduce, keepDim).ToArray()).Detach();
        if (NeedsGrad(this)) o.GradFn = new LogSumExpNode(this, kept);
        return o;
    }

    private sealed class LogSumExpNode(Tensor x, Tensor keptResult) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, Mul(g.Reshape(keptResult.Shape.ToArray()), Exp(Sub(x, keptResult))));
    }
}
