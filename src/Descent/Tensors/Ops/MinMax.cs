using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Elementwise maximum and minimum with broadcasting, NaN-propagating. The gradient follows PyTorch: the
/// larger (smaller) side takes it, ties split it in half, and a NaN comparison gives it to both.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Elementwise maximum (broadcasting); NaN if either is NaN.</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var o = BinaryForward<MaximumKernel<float>, MaximumKernel<double>>(a, b, "maximum");
        if (NeedsGrad(a, b)) o.GradFn = new MaximumNode(a, b, true);
        return o;
    }

    /// <summary>Elementwise minimum (broadcasting); NaN if either is NaN.</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var o = BinaryForward<MinimumKernel<float>, MinimumKernel<double>>(a, b, "minimum");
        if (NeedsGrad(a, b)) o.GradFn = new MaximumNode(a, b, false);
        return o;
    }

    /// <summary>Elementwise maximum with <paramref name="other"/>.</summary>
    public Tensor Maximum(Tensor other) => Maximum(this, other);

    /// <summary>Elementwise minimum with <paramref name="other"/>.</summary>
    public Tensor Minimum(Tensor other) => Minimum(this, other);

    private sealed class MaximumNode(Tensor a, Tensor b, bool isMax) : Node(a, b)
    {
        public override string Name => isMax ? "MaximumBackward" : "MinimumBackward";

        // PyTorch (derivatives.yaml): self: where(self == other, grad/2, grad).masked_fill_(self < other, 0),
        // other: the same masked where self > other (swapped for minimum).
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var shared = Where(Eq(a, b), Mul(g, 0.5), g);
            var aLoses = isMax ? Lt(a, b) : Gt(a, b);
            var bLoses = isMax ? Gt(a, b) : Lt(a, b);
            if (sink.NeedsGrad(0)) sink.Add(0, Where(aLoses, 0.0, shared));
            if (sink.NeedsGrad(1)) sink.Add(1, Where(bLoses, 0.0, shared));
        }
    }
}
