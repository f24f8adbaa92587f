using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Vector p-norms (PyTorch's torch.norm / linalg.vector_norm) over all elements or along dims: p = 2
/// (default), 1, ∞ (max |x|), 0 (count of non-zeros) and any other p &gt; 0, (Σ|x|ᵖ)^(1/p). The gradient is
/// PyTorch's norm_backward, e.g. x/‖x‖ for p = 2 set to 0 where the norm is 0, and for ∞ shared evenly among
/// the elements whose |x| equals the norm.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>p-norm of all elements (0-d).</summary>
    public Tensor Norm(double p = 2) => Norm(p, [], false);

    /// <summary>p-norm along <paramref name="dim"/>.</summary>
    public Tensor Norm(double p, int dim, bool keepDim = false) => Norm(p, [dim], keepDim);

    /// <summary>p-norm along several dims (all when empty).</summary>
    public Tensor Norm(double p, int[] dims, bool keepDim = false)
    {
        RequireFloat("norm");
        if (!(p >= 0))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"norm: p must be ≥ 0 or +∞, got {p} for input {Shape}.");
        var reduce = NormalizeDims(dims, Rank, "norm");
        var all = DimsOf(reduce);
        Tensor kept;
        using (GradMode.Disable())
        {
            var a = Abs(this);
            if (p == 2) kept = Sqrt(Square(a).Sum(all, keepDim: true));
            else if (p == 1) kept = a.Sum(all, keepDim: true);
            else if (p == 0) kept = Ne(a, 0.0).To(DType).Sum(all, keepDim: true);
            else if (double.IsPositiveInfinity(p))
                kept = Numel == 0 ? Zeros(KeepDimShape(Shape, reduce), DType) : ReduceExtremeKeepDim(a, reduce, true, "norm");
            else kept = Pow(Pow(a, p).Sum(all, keepDim: true), 1.0 / p);
        }
        var o = kept.Reshape(ReducedShape(Shape, reduce, keepDim).ToArray()).Detach();
        if (NeedsGrad(this)) o.GradFn = new NormNode(this, kept, reduce, p);
        return o;
    }

    private sealed class NormNode(Tensor x, Tensor norm, bool[] reduce, double p) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var gk = g.Reshape(norm.Shape.ToArray());
            var zeroNorm = Eq(norm, 0.0);
            Tensor grad;
            if (p == 0)
            {
                grad = Mul(ZerosLike(x), gk);
            }
            else if (p == 1)
            {
                grad = Mul(Sign(x), gk);
            }
            else if (p == 2)
            {
                grad = Mul(gk, Where(zeroNorm, 0.0, Div(x, norm)));
            }
            else if (double.IsPositiveInfinity(p))
            {
                var a = Abs(x);
                var mask = LogicalOr(Eq(a, norm), a.IsNaN()).To(x.DType);
                var count = mask.Sum(DimsOf(reduce), keepDim: true);
                grad = Mul(Sign(x), Mul(Div(gk, count), mask));
            }
            else
            {
                var a = Abs(x);
                // p < 2: sgn(x)·|x|^(p−1); p ≥ 2: x·|x|^(p−2) (no 0^negative at x = 0).
                var scaled = p < 2 ? Mul(Sign(x), Pow(a, p - 1)) : Mul(x, Pow(a, p - 2));
                var scale = p < 1
                    ? Mul(gk, Pow(norm, 1 - p))
                    : Where(zeroNorm, 0.0, Div(gk, Pow(norm, p - 1)));
                grad = Mul(scaled, scale);
            }
            sink.Add(0, grad);
        }
    }
}
